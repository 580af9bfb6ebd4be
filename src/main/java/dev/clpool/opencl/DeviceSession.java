package dev.clpool.opencl;

import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * Everything an {@link OpenClBackend} holds on its device: context, in-order queue, the programs built so
 * far (one per storage type and {@link KernelMode}, each built the first time it is needed, and cached on
 * disk), the host transfer route, the buffer pool and the device's tuning. A failure that leaves the
 * context or queue unusable (a lost device, a crashed kernel) is mended by replacing the whole session.
 */
final class DeviceSession implements AutoCloseable {
    /** Idle device memory kept for reuse at most (a quarter of the device's, if less). */
    private static final long IDLE_BUFFER_BYTES = 4L << 30;

    /** A program's identity within a session. */
    record ProgramKey(DType dtype, KernelMode mode) {
    }

    final ClContext context;
    final ClQueue queue;
    final Transfers transfers;
    final BufferPool buffers;
    private final BinTables binTables = new BinTables(table -> table(table, "bin table"));
    private final ClDevice device;
    private final OpenClOptions options;
    private final Tuning tuning;
    /** Guarded by this. */
    private final Map<ProgramKey, ClProgram> programs = new HashMap<>();

    private DeviceSession(ClDevice device, OpenClOptions options, ClContext context, ClQueue queue) {
        this.context = context;
        this.queue = queue;
        this.device = device;
        this.options = options;
        this.tuning = Tuning.of(device.info());
        this.transfers = Transfers.forDevice(context, queue, device.info());
        this.buffers = new BufferPool(context, CL.CL_MEM_READ_WRITE | transfers.bufferFlags(),
                Math.min(device.info().globalMemoryBytes() / 4, IDLE_BUFFER_BYTES));
    }

    /**
     * Creates the context and queue and builds (or loads from the cache) the programs {@code first} names,
     * so that a device that cannot build them fails at once; releases all on failure.
     */
    static DeviceSession open(ClDevice device, OpenClOptions options, Set<ProgramKey> first) {
        ClContext context = ClContext.create(device);
        ClQueue queue = null;
        DeviceSession session = null;
        try {
            queue = ClQueue.create(context, device);
            session = new DeviceSession(device, options, context, queue);
            for (ProgramKey key : first) {
                session.program(key.dtype(), key.mode());
            }
            return session;
        } catch (RuntimeException e) {
            if (session != null) {
                session.close();
            } else {
                if (queue != null) {
                    queue.close();
                }
                context.close();
            }
            throw e;
        }
    }

    DeviceInfo device() {
        return device.info();
    }

    Tuning tuning() {
        return tuning;
    }

    /** How the launch lines name this device: {@code NAME (PLATFORM, TYPE, P:D)}. */
    String description() {
        return device.info().describe();
    }

    /**
     * The program of {@code dtype}'s kernels computing {@code mode}.
     *
     * @throws IllegalArgumentException when the device cannot pool {@code dtype} (float64 without cl_khr_fp64)
     */
    synchronized ClProgram program(DType dtype, KernelMode mode) {
        ProgramKey key = new ProgramKey(dtype, mode);
        ClProgram p = programs.get(key);
        if (p == null) {
            StoragePrograms.requireSupported(dtype, device.info());
            p = ProgramCache.build(context, device, "pooling-" + dtype + "-" + mode.name().toLowerCase(Locale.ROOT),
                    StoragePrograms.source(dtype), buildOptions(device.info(), mode, tuning), options.cacheDir());
            programs.put(key, p);
        }
        return p;
    }

    /** The programs this session has built, to build again in a replacement session. */
    synchronized Set<ProgramKey> programKeys() {
        return Set.copyOf(programs.keySet());
    }

    static String buildOptions(DeviceInfo info, KernelMode mode, Tuning tuning) {
        return (info.correctlyRoundedDivide() ? "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt" : "-cl-std=CL1.2")
                + " " + mode.define() + " " + tuning.defines();
    }

    /** The bins of a plan on the device, as the kernels read them ({@link PoolPlan#binTable()}), while the lease is open. */
    BinTables.Lease binTable(PoolPlan plan) {
        return binTables.acquire(plan.binTable());
    }

    /** A read-only table of longs on the device. */
    ClBuffer table(long[] table, String name) {
        return ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(table), (long) table.length * Long.BYTES, name);
    }

    @Override
    public void close() {
        binTables.close();
        buffers.close();
        transfers.close();
        synchronized (this) {
            List.copyOf(programs.values()).forEach(ClProgram::close);
            programs.clear();
        }
        queue.close();
        context.close();
    }
}
