package dev.clpool.opencl;

import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The registry of pooling kernels: each entry says what it can run and how much it is preferred, and the
 * choice for a plan on a device is the most preferred entry that can run it; {@code cell}, the reference,
 * runs everything and comes last. {@code clpool.kernel=NAME} forces an entry, and a plan it cannot run is
 * refused, naming why. Adding a kernel is one {@code .cl} function (named as its entry) and one entry here.
 */
final class PoolKernels {
    static final List<PoolKernel> ALL = List.of(new CopyKernel(), new SegmentsKernel(), new TiledKernel(), new PlanesKernel(),
            new ChannelsLastBlocksKernel(), new CellKernel());

    private PoolKernels() {
    }

    /** The entry named {@code name}, if it is a pooling kernel's. */
    static PoolKernel named(String name) {
        return ALL.stream().filter(k -> k.name.equals(name)).findFirst().orElse(null);
    }

    /**
     * The kernel for {@code q}: {@code forced} where it names a pooling kernel, else the most preferred
     * one that can run it.
     *
     * @throws IllegalArgumentException when the forced kernel cannot run the plan, saying why
     */
    static PoolKernel choose(PoolQuery q, String forced) {
        PoolKernel kernel = named(forced);
        if (kernel != null) {
            String why = kernel.unsupported(q);
            if (why != null) {
                throw new IllegalArgumentException("kernel: clpool.kernel=" + forced + " cannot pool " + q.plan().op() + " of "
                        + q.plan().inputShape() + " " + q.dtype() + " " + q.layout() + " on " + q.device().name() + ": " + why);
            }
            return kernel;
        }
        return ALL.stream().filter(k -> k.unsupported(q) == null && k.priority(q) >= 0)
                .max(Comparator.comparingInt(k -> k.priority(q))).orElseThrow();
    }

    /** The query for {@code planes} planes of {@code plan} in {@code dtype} and {@code layout} on session {@code s}'s device. */
    static PoolQuery query(DeviceSession s, PoolPlan plan, DType dtype, Layout layout, long planes) {
        return new PoolQuery(plan, dtype, layout, planes, s.device(), s.tuning());
    }

    /**
     * Pools {@code q.planes()} planes from {@code in} into {@code out} (and {@code indices}, when not null)
     * with the chosen kernel, waits for the device and returns its compute time in nanoseconds.
     */
    static long run(DeviceSession s, PoolQuery q, String forced, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices) {
        PoolKernel kernel = choose(q, forced);
        KernelMode mode = KernelMode.of(q.plan().op().mode(), indices != null);
        List<ClEvent> events = new ArrayList<>();
        try (ClKernel k = s.program(q.dtype(), mode).kernel(kernel.name)) {
            k.arg(0, in).arg(1, bins)
                    .arg(2, q.plan().depth().inputSize()).arg(3, q.plan().height().inputSize()).arg(4, q.plan().width().inputSize())
                    .arg(5, q.plan().depth().outputSize()).arg(6, q.plan().height().outputSize()).arg(7, q.plan().width().outputSize())
                    .arg(8, q.planes()).arg(9, out).arg(10, indices);
            kernel.launch(q, new KernelCall(k, 11, s.queue, s.description(), events));
            return ClEvent.totalDeviceNanos(events);
        } finally {
            events.forEach(ClEvent::close);
        }
    }
}
