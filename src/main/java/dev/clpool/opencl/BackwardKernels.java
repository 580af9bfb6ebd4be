package dev.clpool.opencl;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.Chunks;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.Tensor;

/**
 * Backward passes on an OpenCL device: {@code backward_pool.cl}'s gathers, one work-item per input
 * cell, over chunks of whole planes so that no buffer exceeds the device's largest allocation.
 */
final class BackwardKernels {
    private BackwardKernels() {
    }

    /**
     * Computes a non-trivial plan from host to host on session {@code s}; buffers hold at most
     * {@code maxAllocationBytes} each.
     *
     * @throws IllegalArgumentException when one plane's gradient does not fit in one allocation
     */
    static void run(DeviceSession s, BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput,
                    long maxAllocationBytes) {
        PoolPlan f = plan.forward();
        long inPlane = f.inputPlaneSize();
        long outPlane = f.outputPlaneSize();
        Chunks chunks = Chunks.of(f.planes(), Math.max(inPlane * Float.BYTES, outPlane * (indices != null ? Long.BYTES : Float.BYTES)),
                maxAllocationBytes, "inputShape", "plane", f.inputShape());
        try (ClBuffer bins = s.binTable(f); ClBuffer cover = coverTable(s, plan)) {
            for (long k = 0; k < chunks.count(); k++) {
                Chunks.Chunk c = chunks.get(k);
                long p0 = c.first();
                long n = c.count();
                try (BufferPool.Lease g = s.buffers.acquire(n * outPlane * Float.BYTES);
                     BufferPool.Lease idx = indices == null ? null : s.buffers.acquire(n * outPlane * Long.BYTES);
                     BufferPool.Lease gin = s.buffers.acquire(n * inPlane * Float.BYTES)) {
                    s.transfers.write(g.buffer, 0, HostRegion.of(gradOutput, p0 * outPlane, n * outPlane));
                    if (idx != null) {
                        s.transfers.write(idx.buffer, 0, HostRegion.of(indices, p0 * outPlane, n * outPlane));
                    }
                    launch(s, plan, n, g.buffer, bins, cover, idx == null ? null : idx.buffer, gin.buffer);
                    s.transfers.read(gin.buffer, 0, HostRegion.of(gradInput, p0 * inPlane, n * inPlane));
                }
            }
        }
    }

    /** Runs the gather over {@code planes} planes and waits for it; returns the device's compute time. */
    static long launch(DeviceSession s, BackwardPlan plan, long planes, ClBuffer gradOutput, ClBuffer bins, ClBuffer cover,
                       ClBuffer indices, ClBuffer gradInput) {
        PoolPlan f = plan.forward();
        boolean max = f.op().mode() == PoolMode.MAX;
        PoolKernels.Spread spread = s.kernels.spread(planes * f.inputPlaneSize());
        try (ClKernel k = s.program().kernel(max ? "backward_max" : "backward_avg")) {
            k.arg(0, gradOutput).arg(1, bins).arg(2, cover)
                    .arg(3, f.depth().inputSize()).arg(4, f.height().inputSize()).arg(5, f.width().inputSize())
                    .arg(6, f.depth().outputSize()).arg(7, f.height().outputSize()).arg(8, f.width().outputSize())
                    .arg(9, spread.count()).arg(10, spread.chunk()).arg(11, spread.span()).arg(12, spread.step());
            if (max) {
                k.arg(13, indices).arg(14, gradInput);
            } else {
                k.arg(13, gradInput);
            }
            try (ClEvent e = k.launch(s.queue, spread.workItems(), PoolKernels.LOCAL_SIZE)) {
                return e.deviceNanos();
            }
        }
    }

    /** For D, H, W in turn: the first, then one past the last, output cell covering each input position. */
    static ClBuffer coverTable(DeviceSession s, BackwardPlan plan) {
        PoolPlan f = plan.forward();
        AxisBins[] axes = {plan.depth(), plan.height(), plan.width()};
        long length = 2 * (f.depth().inputSize() + f.height().inputSize() + f.width().inputSize());
        long[] table = new long[Math.toIntExact(length)];
        int at = 0;
        for (AxisBins a : axes) {
            int in = Math.toIntExact(a.outputSize()); // the covering's "outputs" are the input positions
            for (int i = 0; i < in; i++) {
                table[at + i] = BackwardPlan.firstCovering(a, i);
                table[at + in + i] = BackwardPlan.endCovering(a, i);
            }
            at += 2 * in;
        }
        return s.table(table, "covering table");
    }
}
