package dev.clpool.opencl;

import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
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

    private DeviceSession(ClDevice device, OpenClOptions options, ClContext context, ClQueue queue, ClProgram program) {
        this.context = context;
        this.queue = queue;
        this.program = program;
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

    static String buildOptions(DeviceInfo info) {
        return info.correctlyRoundedDivide() ? "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt" : "-cl-std=CL1.2";
    }

    /** The bins of the three axes as the kernels read them: starts then ends, for D, H, W in turn. */
    ClBuffer binTable(PoolPlan plan) {
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
        return ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(table), (long) table.length * Long.BYTES, "bin table");
    }

    @Override
    public void close() {
        buffers.close();
        transfers.close();
        program.close();
        queue.close();
        context.close();
    }
}
