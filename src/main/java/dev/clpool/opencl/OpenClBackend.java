package dev.clpool.opencl;

import dev.clpool.Backend;
import dev.clpool.DeviceSelector;
import dev.clpool.PoolMode;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;

/**
 * Pools on one OpenCL device. Owns the device's context, an in-order queue and the built program;
 * each call owns its buffers and kernel object, so calls from several threads do not share state.
 */
public final class OpenClBackend implements Backend {
    private static final String SOURCE = "adaptive_pool.cl";
    /** Work-items per group: a multiple of NVIDIA's warp and AMD's wavefront, small enough for any device. */
    private static final long LOCAL_SIZE = 64;
    /** The most work-items one launch covers, so that a global size never overflows 32-bit drivers. */
    private static final long MAX_LAUNCH = (1L << 30);

    private final ClDevice device;
    private final ClContext context;
    private final ClQueue queue;
    private final ClProgram program;
    private final long localSize;

    private OpenClBackend(ClDevice device, ClContext context, ClQueue queue, ClProgram program) {
        this.device = device;
        this.context = context;
        this.queue = queue;
        this.program = program;
        this.localSize = Math.min(LOCAL_SIZE, device.info().maxWorkGroupSize());
    }

    /**
     * Opens the device {@code selector} names ({@code auto} and {@code opencl} pick the first GPU, else
     * any device) and builds the kernels for it.
     *
     * @throws OpenClUnavailableException when OpenCL or the named device is missing
     * @throws ProgramBuildException when the kernels do not build
     */
    public static OpenClBackend open(DeviceSelector selector) {
        ClDevice device = OpenClDevices.select(selector);
        ClContext context = ClContext.create(device);
        ClQueue queue = null;
        try {
            queue = ClQueue.create(context, device);
            ClProgram program = ClProgram.build(context, device, SOURCE, KernelSources.load(SOURCE), buildOptions(device.info()));
            return new OpenClBackend(device, context, queue, program);
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.close();
            }
            context.close();
            throw e;
        }
    }

    static String buildOptions(DeviceInfo info) {
        StringBuilder options = new StringBuilder("-cl-std=CL1.2");
        if (info.correctlyRoundedDivide()) {
            options.append(" -cl-fp32-correctly-rounded-divide-sqrt");
        }
        return options.toString();
    }

    /** What the device reports of itself. */
    public DeviceInfo deviceInfo() {
        return device.info();
    }

    @Override
    public void pool(PoolPlan plan, float[] input, float[] values, long[] indices) {
        long[] bins = binTable(plan);
        String kernelName = plan.op().mode() == PoolMode.AVG ? "adaptive_avg_pool"
                : indices == null ? "adaptive_max_pool" : "adaptive_max_pool_indices";
        long valueBytes = (long) values.length * Sizeof.cl_float;
        try (ClBuffer in = ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(input),
                     (long) input.length * Sizeof.cl_float, "input");
             ClBuffer table = ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(bins),
                     (long) bins.length * Sizeof.cl_long, "bin table");
             ClBuffer out = ClBuffer.allocate(context, CL.CL_MEM_WRITE_ONLY, valueBytes, "values");
             ClBuffer idx = indices == null ? null
                     : ClBuffer.allocate(context, CL.CL_MEM_WRITE_ONLY, (long) indices.length * Sizeof.cl_long, "indices");
             ClKernel kernel = program.kernel(kernelName)) {
            kernel.arg(0, in).arg(1, table)
                    .arg(2, plan.depth().inputSize()).arg(3, plan.height().inputSize()).arg(4, plan.width().inputSize())
                    .arg(5, plan.depth().outputSize()).arg(6, plan.height().outputSize()).arg(7, plan.width().outputSize())
                    .arg(10, out);
            if (idx != null) {
                kernel.arg(11, idx);
            }
            long total = plan.outputElements();
            for (long first = 0; first < total; first += MAX_LAUNCH) {
                long count = Math.min(MAX_LAUNCH, total - first);
                kernel.arg(8, first).arg(9, count).launch(queue, roundUp(count, localSize), localSize);
            }
            out.read(queue, Pointer.to(values), valueBytes);
            if (idx != null) {
                idx.read(queue, Pointer.to(indices), (long) indices.length * Sizeof.cl_long);
            }
        }
    }

    /** The bins of the three axes as the kernels read them: starts then ends, for D, H, W in turn. */
    static long[] binTable(PoolPlan plan) {
        AxisBins[] axes = {plan.depth(), plan.height(), plan.width()};
        int length = 0;
        for (AxisBins a : axes) {
            length = Math.addExact(length, Math.multiplyExact(2, Math.toIntExact(a.outputSize())));
        }
        long[] table = new long[length];
        int at = 0;
        for (AxisBins a : axes) {
            long[] starts = a.starts();
            long[] ends = a.ends();
            System.arraycopy(starts, 0, table, at, starts.length);
            System.arraycopy(ends, 0, table, at + starts.length, ends.length);
            at += starts.length + ends.length;
        }
        return table;
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    @Override
    public String description() {
        return "OpenCL: " + device.info().describe();
    }

    @Override
    public boolean isOpenCl() {
        return true;
    }

    @Override
    public void close() {
        program.close();
        queue.close();
        context.close();
    }
}
