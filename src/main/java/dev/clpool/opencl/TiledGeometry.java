package dev.clpool.opencl;

import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import java.util.Optional;

/**
 * How {@code tiled_pool.cl} splits a 2-d plan into work-groups: {@code planesPerTile} whole planes
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
    /** The largest plane the automatic tuning tiles whole; larger planes are tiled in row bands. */
    static final long WHOLE_PLANE_BYTES = 32768;

    /**
     * The geometry for {@code planes} planes of a 2-d plan, or empty when tiling does not fit: a 3-d
     * plan, a plane of 2^31 cells or more, or a single output row whose input rows exceed the device's
     * local memory.
     */
    static Optional<TiledGeometry> of(PoolPlan plan, long planes, DeviceInfo device, OpenClOptions.Tiling preferred) {
        if (plan.depth().inputSize() != 1 || plan.depth().outputSize() != 1 || planes == 0) {
            return Optional.empty();
        }
        AxisBins h = plan.height();
        long inW = plan.width().inputSize();
        long planeFloats = h.inputSize() * inW;
        if (planeFloats > Integer.MAX_VALUE) {
            return Optional.empty(); // the kernel indexes within a plane with ints
        }
        OpenClOptions.Tiling tiling = preferred.forPlanes(planeFloats * Float.BYTES, plan.outputPlaneSize());
        int localSize = tiling.localSize();
        // Local memory for the tile, less a margin for what the compiler keeps there itself.
        long localLeft = device.localMemoryBytes() - 1024;
        long planeTileBytes = Math.min(tiling.planeTileBytes(), localLeft);
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

    /** Floats of local memory for a span of {@code n}: the kernel's PAD leaves one spare every 32. */
    private static long padded(long n) {
        return n + n / 32 + 1;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
