package dev.clpool.cpu;

import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.Runs;
import dev.clpool.spi.Launches;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;

/**
 * Host pooling on the Java path for every dtype, layout and storage, by the float or double plane loops.
 * Contiguous float32 (float64) on the heap is pooled in place. Everything else goes through small scratch
 * arrays, a block of planes at a time, so that conversions and copies touch each element once while it
 * is in cache: float16 and bfloat16 are widened to float on the way in and rounded once on the way out
 * (PyTorch's {@code scalar_t(sum / kh / kw)}); channels-last blocks of {@value #CHANNELS} channels are
 * transposed into planes, pooled, and transposed back. Each channel's bin is summed in the planar row-major
 * order, so neither storage nor layout changes a bit.
 */
final class JavaPool {
    /** Input bytes a block of planes in scratch may take: within a core's L2 cache. */
    static final int BLOCK_BYTES = 256 << 10;
    /** Channels per channels-last block: a 64-byte cache line of float32. */
    static final int CHANNELS = 16;

    private JavaPool() {
    }

    /** The Java loop that pools {@code plan} for an input in {@code layout}, as the DEBUG launch lines name it. */
    static String loopName(PoolPlan plan, DType dtype, Layout layout) {
        if (ChannelsLastAverage.takes(plan, dtype, layout)) {
            return ChannelsLastAverage.NAME;
        }
        String planes = dtype == DType.FLOAT64 ? plan.op().mode().label() + "-float64" : PlaneLoops.variant(plan);
        return withLayout(planes, layout);
    }

    private static String withLayout(String loops, Layout layout) {
        return layout == Layout.CHANNELS_LAST ? "channels-last-blocks/" + loops : loops;
    }

    /** Pools on every core, logging the launch of the loops that run under their own name, on {@code device}. */
    static void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices, String device) {
        Precision<?> precision = Precision.of(input.dtype());
        if (ChannelsLastAverage.takes(plan, input.dtype(), input.layout())) {
            ChannelsLastAverage.pool(plan, input, values, device);
        } else if (input.layout() == Layout.CHANNELS_LAST) {
            channelsLast(precision, plan, input, values, indices, device);
        } else {
            planar(precision, plan, input, values, indices, device);
        }
    }

    /** Whole planes per scratch block: {@link #BLOCK_BYTES} of input, a multiple of the loops' planes side by side. */
    static int blockPlanes(long inPlane, int elementBytes, int planes) {
        long fit = Math.max(1, BLOCK_BYTES / Math.max(1, inPlane * elementBytes));
        int block = (int) Math.min(planes, fit);
        return block > PlaneLoops.SIDE ? block / PlaneLoops.SIDE * PlaneLoops.SIDE : block;
    }

    private static <A> void planar(Precision<A> p, PoolPlan plan, Tensor in, Tensor out, Tensor idx, String device) {
        Loops<A> loops = p.loops(plan);
        int inPlane = Math.toIntExact(plan.inputPlaneSize());
        int outPlane = Math.toIntExact(plan.outputPlaneSize());
        A inArray = p.inPlace(in);
        A outArray = p.inPlace(out);
        long[] idxArray = idx != null && idx.hasArray() ? idx.int64s() : null;
        boolean inPlace = inArray != null && outArray != null && (idx == null || idxArray != null);
        Runs runs = Cores.split(plan.planes(), PlaneLoops.SIDE, plan.inputPlaneSize());
        Launches.log(withLayout(loops.name(), Layout.CONTIGUOUS), device, plan.planes(), runs.length());
        Cores.forEach(runs, (first, last) -> {
            if (inPlace) {
                loops.run(inArray, outArray, idxArray, first, last);
                return;
            }
            int block = blockPlanes(inPlane, in.dtype().byteSize(), last - first);
            A a = p.allocate(block * inPlane);
            A y = p.allocate(block * outPlane);
            long[] n = idx == null ? null : new long[block * outPlane];
            for (int q = first; q < last; q += block) {
                int k = Math.min(block, last - q);
                p.read(in, (long) q * inPlane, a, 0, k * inPlane);
                loops.run(a, y, n, 0, k);
                p.write(out, (long) q * outPlane, y, 0, k * outPlane);
                if (n != null) {
                    idx.writeLongs((long) q * outPlane, n, 0, k * outPlane);
                }
            }
        });
    }

    private static <A> void channelsLast(Precision<A> p, PoolPlan plan, Tensor in, Tensor out, Tensor idx, String device) {
        Loops<A> loops = p.loops(plan);
        int channels = Math.toIntExact(plan.inputShape().dim(1));
        int cells = Math.toIntExact(plan.inputPlaneSize());
        int outCells = Math.toIntExact(plan.outputPlaneSize());
        int block = Math.min(channels, CHANNELS);
        int blocksPerBatch = (channels + block - 1) / block;
        Runs runs = Cores.split(plan.inputShape().dim(0) * blocksPerBatch, 1, (long) cells * block);
        Launches.log(withLayout(loops.name(), Layout.CHANNELS_LAST), device, plan.planes(), runs.length());
        Cores.forEach(runs, (first, last) -> {
            A gathered = p.allocate(cells * block);
            A planes = p.allocate(cells * block);
            A pooled = p.allocate(outCells * block);
            A scattered = p.allocate(outCells * block);
            long[] poolIdx = idx == null ? null : new long[outCells * block];
            long[] scatterIdx = idx == null ? null : new long[outCells * block];
            for (int u = first; u < last; u++) {
                long batch = u / blocksPerBatch;
                int c0 = (u % blocksPerBatch) * block;
                int k = Math.min(block, channels - c0);
                for (int s = 0; s < cells; s++) {
                    p.read(in, (batch * cells + s) * channels + c0, gathered, s * k, k);
                }
                p.transpose(gathered, cells, k, planes);
                loops.run(planes, pooled, poolIdx, 0, k);
                p.transpose(pooled, k, outCells, scattered);
                if (poolIdx != null) {
                    Precision.transpose(poolIdx, k, outCells, scatterIdx);
                }
                for (int s = 0; s < outCells; s++) {
                    long at = (batch * outCells + s) * channels + c0;
                    p.write(out, at, scattered, s * k, k);
                    if (idx != null) {
                        idx.writeLongs(at, scatterIdx, s * k, k);
                    }
                }
            }
        });
    }
}
