package dev.clpool.opencl;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.Chunks;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Backward passes on an OpenCL device: {@code backward.cl}'s gathers, one work-item per input
 * cell, over chunks of whole planes so that no buffer exceeds the device's largest allocation.
 */
final class BackwardKernels {
    /** The one backward kernel, {@code backward.cl}'s entry point and its registry name. */
    static final String NAME = "backward_gather";

    private BackwardKernels() {
    }

    /** What computes chunks of a non-trivial backward plan on session {@code s}, from host to host. */
    static ChunkLoop.Runner runner(DeviceSession s, BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        PoolPlan f = plan.forward();
        long inPlane = f.inputPlaneSize();
        long outPlane = f.outputPlaneSize();
        BinTables.Lease bins = s.binTable(f);
        ClBuffer cover;
        try {
            cover = coverTable(s, plan);
        } catch (RuntimeException e) {
            bins.close();
            throw e;
        }
        return new ChunkLoop.Runner() {
            @Override
            public void run(Chunks.Chunk c) {
                long p0 = c.first();
                long n = c.count();
                try (HostChunk g = HostChunk.input(s, gradOutput, p0 * outPlane, n * outPlane);
                     HostChunk idx = indices == null ? null : HostChunk.input(s, indices, p0 * outPlane, n * outPlane);
                     HostChunk gin = HostChunk.output(s, gradInput, p0 * inPlane, n * inPlane)) {
                    launch(s, plan, n, g.buffer(), bins.buffer, cover, idx == null ? null : idx.buffer(), gin.buffer());
                    gin.drain();
                }
            }

            @Override
            public void close() {
                cover.close();
                bins.close();
            }
        };
    }

    /** Runs the gather over {@code planes} planes and waits for it; returns the device's compute time. */
    static long launch(DeviceSession s, BackwardPlan plan, long planes, ClBuffer gradOutput, ClBuffer bins, ClBuffer cover,
                       ClBuffer indices, ClBuffer gradInput) {
        PoolPlan f = plan.forward();
        KernelMode mode = f.op().mode() == PoolMode.MAX ? KernelMode.MAX_WITH_INDICES : KernelMode.AVG;
        List<ClEvent> events = new ArrayList<>();
        try (ClKernel k = s.program(DType.FLOAT32, mode).kernel(NAME)) {
            k.arg(0, gradOutput).arg(1, bins).arg(2, cover)
                    .arg(3, f.depth().inputSize()).arg(4, f.height().inputSize()).arg(5, f.width().inputSize())
                    .arg(6, f.depth().outputSize()).arg(7, f.height().outputSize()).arg(8, f.width().outputSize());
            Spread spread = Spread.of(planes * f.inputPlaneSize(), s.device(), s.tuning());
            KernelCall call = new KernelCall(k, 9, s.queue, s.description(), events);
            call.arg(spread.count()).arg(spread.chunk()).arg(spread.span()).arg(spread.step()).arg(indices).arg(gradInput)
                    .enqueue(spread.workItems(), s.tuning().localSize());
            return ClEvent.totalDeviceNanos(events);
        } finally {
            events.forEach(ClEvent::close);
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
