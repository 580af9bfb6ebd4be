package dev.clpool.opencl;

import dev.clpool.op.PoolMode;

/** {@code tiled.cl}: GPUs, 2-d plans, a work-group per tile of whole planes or row bands staged in local memory. */
final class TiledKernel extends PoolKernel {
    /** The most work-items one launch covers, so that sizes stay within 32 bits. */
    private static final long MAX_LAUNCH = 1L << 30;

    TiledKernel() {
        super("tiled");
    }

    @Override
    String unsupported(PoolQuery q) {
        if (q.channelsLast()) {
            return "it pools planar (contiguous) tensors";
        }
        if (q.accumulatorBytes() != Float.BYTES) {
            return "its tiles hold floats, and float64 sums in double";
        }
        if (q.plan().depth().inputSize() != 1) {
            return "it pools 2-d plans";
        }
        return TiledGeometry.of(q).isPresent() ? null : "one output row's input rows do not fit in local memory, or a plane has 2^31 cells";
    }

    /**
     * GPUs, where bins hold several cells: from the H200 sweep (BENCHMARKS.md), tiling pays there, except
     * for max over planes too large to tile whole, where a work-item's serial scan of a large bin in local
     * memory loses to scanning it in global memory.
     */
    @Override
    int priority(PoolQuery q) {
        long binCells = q.plan().inputPlaneSize() / Math.max(1, q.plan().outputPlaneSize());
        boolean wholePlanes = q.plan().inputPlaneSize() * Float.BYTES <= q.tuning().tiledWholePlaneBytes();
        boolean wins = q.plan().op().mode() == PoolMode.AVG || wholePlanes;
        return q.device().isGpu() && binCells >= q.tuning().tiledMinBinCells() && wins ? 40 : -1;
    }

    @Override
    void launch(PoolQuery q, KernelCall call) {
        TiledGeometry g = TiledGeometry.of(q).orElseThrow();
        call.arg(g.planesPerTile()).arg(g.rowsPerTile());
        int firstTile = call.nextIndex();
        call.arg(0).local(g.tileFloats() * Float.BYTES);
        long maxTiles = MAX_LAUNCH / g.localSize();
        for (long first = 0; first < g.tiles(); first += maxTiles) {
            long count = Math.min(maxTiles, g.tiles() - first);
            call.set(firstTile, first).enqueue(count * g.localSize(), g.localSize());
        }
    }
}
