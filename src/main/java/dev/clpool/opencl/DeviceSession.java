package dev.clpool.opencl;

import dev.clpool.tensor.DType;
import dev.clpool.plan.PoolPlan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * Everything an {@link OpenClBackend} holds on its device: context, in-order queue, built program,
 * host transfer route and buffer pool. A failure that leaves the context or queue unusable (a lost
 * device, a crashed kernel) is mended by replacing the whole session.
 */
final class DeviceSession implements AutoCloseable {
    private static final String PROGRAM = "pooling";
    /** Idle device memory kept for reuse at most (a quarter of the device's, if less). */
    private static final long IDLE_BUFFER_BYTES = 4L << 30;

    final ClContext context;
    final ClQueue queue;
    final Transfers transfers;
    final BufferPool buffers;
    final PoolKernels kernels;
    private final ClProgram program;
    private final ClDevice device;
    private final OpenClOptions options;
    /** The programs of the other storage types, built on first use (see {@link #kernels(DType)}); guarded by this. */
    private final Map<DType, PoolKernels> storageKernels = new EnumMap<>(DType.class);
    private final List<ClProgram> storagePrograms = new ArrayList<>();

    private DeviceSession(ClDevice device, OpenClOptions options, ClContext context, ClQueue queue, ClProgram program) {
        this.context = context;
        this.queue = queue;
        this.program = program;
        this.device = device;
        this.options = options;
        this.transfers = Transfers.forDevice(context, queue, device.info());
        this.buffers = new BufferPool(context, CL.CL_MEM_READ_WRITE | transfers.bufferFlags(),
                Math.min(device.info().globalMemoryBytes() / 4, IDLE_BUFFER_BYTES));
        this.kernels = new PoolKernels(program, queue, device.info(), options);
    }

    /** Creates the context and queue and builds (or loads from the cache) the program; releases all on failure. */
    static DeviceSession open(ClDevice device, OpenClOptions options) {
        ClContext context = ClContext.create(device);
        ClQueue queue = null;
        try {
            queue = ClQueue.create(context, device);
            String source = KernelSources.program(KernelSources.POOLING);
            ClProgram program = ProgramCache.build(context, device, PROGRAM, source, buildOptions(device.info()),
                    options.cacheDir());
            return new DeviceSession(device, options, context, queue, program);
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.close();
            }
            context.close();
            throw e;
        }
    }

    /** The built program, for kernels beyond {@link PoolKernels}' (backward passes, pyramids). */
    ClProgram program() {
        return program;
    }

    /**
     * The kernels for a storage type: float32's are built with the session; each other type's program
     * (see {@link StoragePrograms}) the first time it is asked for, then kept, and cached on disk.
     *
     * @throws IllegalArgumentException when the device cannot pool {@code dtype} (float64 without cl_khr_fp64)
     */
    synchronized PoolKernels kernels(DType dtype) {
        if (dtype == DType.FLOAT32) {
            return kernels;
        }
        PoolKernels k = storageKernels.get(dtype);
        if (k == null) {
            StoragePrograms.requireSupported(dtype, device.info());
            ClProgram p = ProgramCache.build(context, device, PROGRAM + "-" + dtype, StoragePrograms.source(dtype),
                    buildOptions(device.info()), options.cacheDir());
            storagePrograms.add(p);
            k = new PoolKernels(p, queue, device.info(), options, StoragePrograms.accumulatorBytes(dtype));
            storageKernels.put(dtype, k);
        }
        return k;
    }

    /** The storage types whose programs this session has built, besides float32. */
    synchronized Set<DType> storageTypes() {
        return Set.copyOf(storageKernels.keySet());
    }

    static String buildOptions(DeviceInfo info) {
        return info.correctlyRoundedDivide() ? "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt" : "-cl-std=CL1.2";
    }

    /** The bins of a plan in a buffer, as the kernels read them ({@link PoolPlan#binTable()}). */
    ClBuffer binTable(PoolPlan plan) {
        return table(plan.binTable(), "bin table");
    }

    /** A read-only table of longs on the device. */
    ClBuffer table(long[] table, String name) {
        return ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(table), (long) table.length * Long.BYTES, name);
    }

    @Override
    public void close() {
        buffers.close();
        transfers.close();
        synchronized (this) {
            storagePrograms.forEach(ClProgram::close);
            storagePrograms.clear();
            storageKernels.clear();
        }
        program.close();
        queue.close();
        context.close();
    }
}
