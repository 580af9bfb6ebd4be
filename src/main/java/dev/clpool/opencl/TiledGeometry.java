package dev.clpool.opencl;

import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import java.util.Optional;

/**
 * How {@code tiled.cl} splits a 2-d plan into work-groups: {@code planesPerTile} whole planes
 * (plane mode), or one plane's band of {@code rowsPerTile} output rows (band mode), and the local
 * memory a tile needs.
 *
 * @param planesPerTile G: planes per tile (1 in band mode)
 * @param rowsPerTile R: output rows per tile (all of them in plane mode)
 * @param localSize work-items per work-group
 * @param tileFloats floats of local memory for the largest tile's input span
 * @param tiles work-groups in all
 */
record TiledGeometry(long planesPerTile, long rowsPerTile, int localSize, long tileFloats, long tiles) {

    /**
     * The geometry for a 2-d query, or empty when tiling does not fit: a 3-d plan, a plane of 2^31 cells or
     * more, or a single output row whose input rows exceed the device's local memory. Planes up to
     * {@code tiledSmallPlaneBytes} go in small groups with small tiles, so that many groups share a compute
     * unit, unless such a tile would leave fewer than 32 cells (a warp) to compute, as in global pooling.
     */
    static Optional<TiledGeometry> of(PoolQuery q) {
        PoolPlan plan = q.plan();
        long planes = q.planes();
        if (plan.depth().inputSize() != 1 || plan.depth().outputSize() != 1 || planes == 0) {
            return Optional.empty();
        }
        Tuning t = q.tuning();
        AxisBins h = plan.height();
        long inW = plan.width().inputSize();
        long planeFloats = h.inputSize() * inW;
        if (planeFloats > Integer.MAX_VALUE) {
            return Optional.empty(); // the kernel's tile holds ints' worth of cells
        }
        long planeBytes = planeFloats * Float.BYTES;
        boolean small = planeBytes <= t.tiledSmallPlaneBytes() && (t.tiledSmallTileBytes() / planeBytes) * plan.outputPlaneSize() >= 32;
        int localSize = small ? t.tiledSmallLocalSize() : t.tiledLocalSize();
        long localLeft = q.localMemory();
        long planeTileBytes = Math.min(small ? t.tiledSmallTileBytes() : t.tiledTileBytes(), localLeft);
        long g;
        long r;
        long span;
        if (padded(planeFloats) * Float.BYTES <= planeTileBytes) {
            g = Math.max(1, Math.min(planes, planeTileBytes / (padded(planeFloats) * Float.BYTES)));
            r = h.outputSize();
            span = g * planeFloats;
        } else {
            g = 1;
            r = 1;
            span = maxSpanRows(h, 1) * inW;
            if (padded(span) * Float.BYTES > localLeft) {
                return Optional.empty();
            }
        }
        long tiles = ceilDiv(planes, g) * ceilDiv(h.outputSize(), r);
        return Optional.of(new TiledGeometry(g, r, localSize, padded(span), tiles));
    }

    /** The most input rows that {@code r} consecutive output rows starting at a multiple of {@code r} cover. */
    static long maxSpanRows(AxisBins axis, long r) {
        long most = 0;
        for (long oh0 = 0; oh0 < axis.outputSize(); oh0 += r) {
            long last = Math.min(oh0 + r, axis.outputSize()) - 1;
            most = Math.max(most, axis.end(last) - axis.start(oh0));
        }
        return most;
    }

    /** Elements of local memory for a span of {@code n}: PAD leaves one spare every 32 (common.cl). */
    static long padded(long n) {
        return n + n / 32 + 1;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
