package dev.clpool.cpu;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.PoolPlan;
import java.util.List;

/**
 * The float loops of one plan, over any range of whole planes (C order, float32 values): PyTorch's CPU
 * loops. Every bin is summed in PyTorch's row-major order, so averages are PyTorch's float32 results bit for
 * bit, and equal to every OpenCL kernel's; maxima and their indices are PyTorch's scan's. Speed comes from:
 * <ul>
 *   <li>{@value #SIDE} planes side by side: their bins are the same, so {@value #SIDE} independent sums (or
 *       scans) keep a core's add pipes busy, where one plane's sum waits on each addition (C2 never
 *       reorders float adds);</li>
 *   <li>each bin as one flat loop over its offsets ({@link BinCells}): small bins cost no row loop each;</li>
 *   <li>large planes staged band by band: the input rows of one output row, of the {@value #SIDE} planes,
 *       copied into a small scratch array first, so memory is read in long runs the prefetcher follows
 *       instead of short rows a plane apart;</li>
 *   <li>for max over small bins, no branch per element ({@link #maxColumns}): the scan's branch mispredicts
 *       at every new maximum, which costs more than the bin's reads.</li>
 * </ul>
 * {@link Kind} says which loop a plan gets.
 */
final class PlaneLoops extends Loops<float[]> {
    /** Planes side by side: 8 chains of 3-4-cycle adds fill two add pipes; more would spill registers. */
    static final int SIDE = 8;
    /** {@value #SIDE} planes larger than this (past a core's L1 cache) are staged band by band. */
    static final int STAGE_ABOVE_BYTES = 32 << 10;
    /** The largest band scratch: {@value #SIDE} bands within a core's L2 cache. */
    static final int STAGE_MAX_BYTES = 1 << 20;

    /** How a plan is pooled: each kind is a loop of its own, named in the launch lines. */
    enum Kind {
        /** Identity: each bin is one cell. */
        COPY("copy"),
        /** Global average: each plane is one bin, {@value #SIDE} planes summed side by side. */
        WHOLE_PLANES("whole-planes" + SIDE),
        /** Max by columns: PyTorch's scan as an associative combine, no branch per element ({@link #maxColumns}). */
        COLUMNS("columns"),
        /** Each bin one flat loop over its offsets, {@value #SIDE} planes side by side. */
        BINS("bins" + SIDE),
        /** {@link #BINS} over bands staged into scratch, for large 2-d planes. */
        STAGED_BINS("staged-bins" + SIDE),
        /** The row loops, for plans whose offset table would be too large. */
        ROWS("rows" + SIDE);

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    /** Scratch for {@link #maxColumns}: a block of planes as packed longs within a core's L2 cache. */
    static final int COLUMN_BLOCK_BYTES = 256 << 10;
    /** Larger planes are not taken by columns: their one-plane scratch would be too large. */
    static final long COLUMNS_MAX_PLANE_BYTES = 8L << 20;

    private final Kind kind;
    /** The plan's bins as offset tables, for {@link Kind#BINS} and {@link Kind#STAGED_BINS}; else null. */
    private final BinCells cells;
    /** Elements of the largest band, for {@link Kind#STAGED_BINS}; else 0. */
    private final int stagedBand;

    PlaneLoops(PoolPlan plan) {
        super(plan);
        kind = kind(plan, d, h, w);
        cells = kind == Kind.BINS || kind == Kind.STAGED_BINS ? BinCells.of(d, h, w) : null;
        stagedBand = kind == Kind.STAGED_BINS ? largestBand(h, w) : 0;
    }

    private static Kind kind(PoolPlan plan, Bins d, Bins h, Bins w) {
        long planeBytes = plan.inputPlaneSize() * Float.BYTES;
        boolean avg = plan.op().mode() == PoolMode.AVG;
        boolean stage = d.in == 1 && SIDE * planeBytes > STAGE_ABOVE_BYTES
                && (long) SIDE * largestBand(h, w) * Float.BYTES <= STAGE_MAX_BYTES;
        if (plan.isIdentity()) {
            return Kind.COPY;
        }
        if (avg && plan.outputPlaneSize() == 1) {
            return Kind.WHOLE_PLANES;
        }
        if (!avg && !stage && plan.inputPlaneSize() * Long.BYTES <= COLUMNS_MAX_PLANE_BYTES && columnsPay(plan)) {
            return Kind.COLUMNS;
        }
        if (BinCells.entries(plan) > BinCells.MAX_OFFSETS) {
            return Kind.ROWS;
        }
        return stage ? Kind.STAGED_BINS : Kind.BINS;
    }

    /**
     * Whether {@link #maxColumns} beats the scan, by a cost model in cycles per output cell of a plane. The
     * scan reads each bin element (~1.5 cycles) and mispredicts at each new maximum, about ln(n) + 0.58 times
     * in a bin of n (~20 cycles each); columns costs ~7 cycles per input element, whatever the bins. So
     * columns wins where bins are small against the plane's share per cell: many small or overlapping bins,
     * upsampling; the scan where bins are large. The constants were measured on a Zen 4 core with JDK 17.
     */
    private static boolean columnsPay(PoolPlan plan) {
        double cells = plan.outputPlaneSize();
        double bin = BinCells.entries(plan) / cells;
        double scan = 1.5 * bin + 20 * (Math.log(bin) + 0.58);
        double columns = 7 * plan.inputPlaneSize() / cells;
        return columns < scan;
    }

    /** Elements in the largest 2-d band: the input rows of one output row. */
    private static int largestBand(Bins h, Bins w) {
        int band = 0;
        for (int oh = 0; oh < h.out; oh++) {
            band = Math.max(band, (h.end[oh] - h.start[oh]) * w.in);
        }
        return band;
    }

    /** The loops that pool {@code plan}, named as {@link #name()} names them, without building their tables. */
    static String variant(PoolPlan plan) {
        Kind k = kind(plan, new Bins(plan.depth()), new Bins(plan.height()), new Bins(plan.width()));
        return name(plan.op().mode() == PoolMode.AVG, k);
    }

    @Override
    String name() {
        return name(avg, kind);
    }

    private static String name(boolean avg, Kind kind) {
        return kind == Kind.COPY ? "copy" : (avg ? "avg-" : "max-") + kind.suffix;
    }

    /** Every name {@link #variant} gives, for tests that must reach each. */
    static final List<String> VARIANTS = List.of("copy", "avg-whole-planes8", "max-columns", "avg-bins8", "max-bins8",
            "avg-staged-bins8", "max-staged-bins8", "avg-rows8", "max-rows8");

    /** Pools planes {@code [p, last)} of {@code input} into the same planes of {@code values} (and {@code indices}). */
    @Override
    void run(float[] input, float[] values, long[] indices, int p, int last) {
        switch (kind) {
            case COPY -> copyPlanes(input, values, indices, p * inPlane, (last - p) * inPlane, inPlane, avg);
            case WHOLE_PLANES -> averageWholePlanes(input, values, p, last);
            case COLUMNS -> maxColumns(input, values, indices, p, last);
            default -> sideBySide(input, values, indices, p, last);
        }
    }

    /** Groups of {@value #SIDE} planes side by side, then the planes left one at a time. */
    private void sideBySide(float[] input, float[] values, long[] indices, int p, int last) {
        float[] band = kind == Kind.STAGED_BINS && last - p >= SIDE ? new float[SIDE * stagedBand] : null;
        for (; p + SIDE <= last; p += SIDE) {
            if (kind == Kind.ROWS) {
                if (avg) {
                    avgPlanes8(input, p * inPlane, values, p * outPlane);
                } else {
                    maxPlanes8(input, p * inPlane, values, indices, p * outPlane);
                }
            } else if (band == null) {
                cells8(input, p * inPlane, inPlane, true, 0, outPlane, values, indices, p * outPlane);
            } else {
                staged8(input, p, band, values, indices);
            }
        }
        for (; p < last; p++) {
            if (avg) {
                avgPlane(input, p * inPlane, values, p * outPlane);
            } else {
                maxPlane(input, p * inPlane, values, indices, p * outPlane);
            }
        }
    }

    /**
     * Max with indices without a branch per element, for planes that fit in cache. PyTorch's scan (take v
     * when v > max or v is NaN) equals a reduction under an associative, commutative combine of (value,
     * index): NaN beats a number; of two NaNs the later index wins; else the larger value wins, and of
     * equal values (-0 == +0) the earlier index. Each element becomes one long that orders the same way:
     * a key that orders floats as numbers (+-0 equal, NaN above +inf) in the high half, and the index in
     * the low half, complemented except for NaN. A bin's maximum long is then its result, in any order: so
     * a block of planes is reduced first down each bin's rows, column by column (a loop over contiguous
     * longs), then across the bin's columns. The value is the input element at the index found, bit for bit.
     */
    private void maxColumns(float[] in, float[] out, long[] indices, int first, int last) {
        int rows = d.in * h.in;
        int block = (int) Math.max(1, Math.min(last - first, COLUMN_BLOCK_BYTES / ((long) inPlane * Long.BYTES)));
        long[] packed = new long[block * inPlane];
        long[] column = new long[block * w.in];
        for (int p0 = first; p0 < last; p0 += block) {
            int planes = Math.min(block, last - p0);
            int width = planes * w.in;
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < planes; k++) {
                    int from = (p0 + k) * inPlane + r * w.in;
                    int to = r * width + k * w.in;
                    for (int iw = 0; iw < w.in; iw++) {
                        packed[to + iw] = combineKey(in[from + iw], r * w.in + iw);
                    }
                }
            }
            int o = 0;
            for (int od = 0; od < d.out; od++) {
                for (int oh = 0; oh < h.out; oh++, o += w.out) {
                    int r0 = d.start[od] * h.in + h.start[oh];
                    System.arraycopy(packed, r0 * width, column, 0, width);
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = id == d.start[od] ? h.start[oh] + 1 : h.start[oh]; ih < h.end[oh]; ih++) {
                            int row = (id * h.in + ih) * width;
                            for (int i = 0; i < width; i++) {
                                column[i] = Math.max(column[i], packed[row + i]);
                            }
                        }
                    }
                    for (int k = 0; k < planes; k++) {
                        int at = (p0 + k) * outPlane + o;
                        for (int ow = 0; ow < w.out; ow++) {
                            int c = k * w.in;
                            long m = column[c + w.start[ow]];
                            for (int iw = w.start[ow] + 1; iw < w.end[ow]; iw++) {
                                m = Math.max(m, column[c + iw]);
                            }
                            int index = combinedIndex(m);
                            out[at + ow] = in[(p0 + k) * inPlane + index];
                            if (indices != null) {
                                indices[at + ow] = index;
                            }
                        }
                    }
                }
            }
        }
    }

    /** The long {@link #maxColumns} orders element {@code v} at plane index {@code index} by. */
    static long combineKey(float v, int index) {
        int bits = Float.floatToRawIntBits(v);
        int magnitude = bits & 0x7fffffff;
        int sign = bits >> 31;
        int nan = (0x7f800000 - magnitude) >> 31; // -1 for NaN, else 0
        int key = (((magnitude ^ sign) - sign) & ~nan) | (Integer.MAX_VALUE & nan);
        return ((long) key << 32) | ((index ^ ~nan) & 0xffffffffL);
    }

    /** The plane index inside a long {@link #combineKey} made. */
    static int combinedIndex(long combined) {
        int low = (int) combined;
        return (int) (combined >>> 32) == Integer.MAX_VALUE ? low : ~low;
    }

    /** {@value #SIDE} planes from {@code p}, one output row at a time: its band of each plane copied into {@code band}, then pooled there. */
    private void staged8(float[] in, int p, float[] band, float[] values, long[] indices) {
        for (int oh = 0; oh < h.out; oh++) {
            int from = h.start[oh] * w.in;
            int size = (h.end[oh] - h.start[oh]) * w.in;
            for (int k = 0; k < SIDE; k++) {
                System.arraycopy(in, (p + k) * inPlane + from, band, k * size, size);
            }
            cells8(band, 0, size, false, oh * w.out, (oh + 1) * w.out, values, indices, p * outPlane + oh * w.out);
        }
    }

    /**
     * Cells {@code [c0, c1)} of {@value #SIDE} planes, plane k's at {@code base + k * stride} in {@code src}
     * (plus each cell's band start when {@code inPlane}, i.e. when {@code src} holds whole planes), into
     * {@code out} from {@code o} (plane k's at {@code o + k * outPlane}).
     */
    private void cells8(float[] src, int base, int stride, boolean inPlane, int c0, int c1, float[] out, long[] indices, int o) {
        if (avg) {
            avgCells8(src, base, stride, inPlane, c0, c1, out, o);
        } else {
            maxCells8(src, base, stride, inPlane, c0, c1, out, indices, o);
        }
    }

    private void avgCells8(float[] src, int base, int stride, boolean inPlane, int c0, int c1, float[] out, int o) {
        int[] off = cells.offsets;
        int q = outPlane;
        for (int c = c0; c < c1; c++, o++) {
            int b0 = base + (inPlane ? cells.bandStart[c] : 0);
            int b1 = b0 + stride;
            int b2 = b1 + stride;
            int b3 = b2 + stride;
            int b4 = b3 + stride;
            int b5 = b4 + stride;
            int b6 = b5 + stride;
            int b7 = b6 + stride;
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            for (int k = cells.start[c], end = cells.start[c + 1]; k < end; k++) {
                int j = off[k];
                s0 += src[b0 + j];
                s1 += src[b1 + j];
                s2 += src[b2 + j];
                s3 += src[b3 + j];
                s4 += src[b4 + j];
                s5 += src[b5 + j];
                s6 += src[b6 + j];
                s7 += src[b7 + j];
            }
            float kd = cells.kd[c];
            float kh = cells.kh[c];
            float kw = cells.kw[c];
            out[o] = s0 / kd / kh / kw;
            out[o + q] = s1 / kd / kh / kw;
            out[o + 2 * q] = s2 / kd / kh / kw;
            out[o + 3 * q] = s3 / kd / kh / kw;
            out[o + 4 * q] = s4 / kd / kh / kw;
            out[o + 5 * q] = s5 / kd / kh / kw;
            out[o + 6 * q] = s6 / kd / kh / kw;
            out[o + 7 * q] = s7 / kd / kh / kw;
        }
    }

    /** As {@link #maxPlanes8}, over offset tables: one compare and branch per element, PyTorch's rule at new maxima. */
    private void maxCells8(float[] src, int base, int stride, boolean inPlane, int c0, int c1, float[] out, long[] indices, int o) {
        int[] off = cells.offsets;
        int q = outPlane;
        for (int c = c0; c < c1; c++, o++) {
            int b0 = base + (inPlane ? cells.bandStart[c] : 0);
            int b1 = b0 + stride;
            int b2 = b1 + stride;
            int b3 = b2 + stride;
            int b4 = b3 + stride;
            int b5 = b4 + stride;
            int b6 = b5 + stride;
            int b7 = b6 + stride;
            int k0 = cells.start[c];
            int first = off[k0];
            float m0 = src[b0 + first];
            float m1 = src[b1 + first];
            float m2 = src[b2 + first];
            float m3 = src[b3 + first];
            float m4 = src[b4 + first];
            float m5 = src[b5 + first];
            float m6 = src[b6 + first];
            float m7 = src[b7 + first];
            int a0 = first;
            int a1 = first;
            int a2 = first;
            int a3 = first;
            int a4 = first;
            int a5 = first;
            int a6 = first;
            int a7 = first;
            for (int k = k0, end = cells.start[c + 1]; k < end; k++) {
                int j = off[k];
                float v0 = src[b0 + j];
                float v1 = src[b1 + j];
                float v2 = src[b2 + j];
                float v3 = src[b3 + j];
                float v4 = src[b4 + j];
                float v5 = src[b5 + j];
                float v6 = src[b6 + j];
                float v7 = src[b7 + j];
                if (!(v0 <= m0) && (v0 > m0 || v0 != v0)) {
                    m0 = v0;
                    a0 = j;
                }
                if (!(v1 <= m1) && (v1 > m1 || v1 != v1)) {
                    m1 = v1;
                    a1 = j;
                }
                if (!(v2 <= m2) && (v2 > m2 || v2 != v2)) {
                    m2 = v2;
                    a2 = j;
                }
                if (!(v3 <= m3) && (v3 > m3 || v3 != v3)) {
                    m3 = v3;
                    a3 = j;
                }
                if (!(v4 <= m4) && (v4 > m4 || v4 != v4)) {
                    m4 = v4;
                    a4 = j;
                }
                if (!(v5 <= m5) && (v5 > m5 || v5 != v5)) {
                    m5 = v5;
                    a5 = j;
                }
                if (!(v6 <= m6) && (v6 > m6 || v6 != v6)) {
                    m6 = v6;
                    a6 = j;
                }
                if (!(v7 <= m7) && (v7 > m7 || v7 != v7)) {
                    m7 = v7;
                    a7 = j;
                }
            }
            out[o] = m0;
            out[o + q] = m1;
            out[o + 2 * q] = m2;
            out[o + 3 * q] = m3;
            out[o + 4 * q] = m4;
            out[o + 5 * q] = m5;
            out[o + 6 * q] = m6;
            out[o + 7 * q] = m7;
            if (indices != null) {
                int band = cells.bandStart[c];
                indices[o] = band + a0;
                indices[o + q] = band + a1;
                indices[o + 2 * q] = band + a2;
                indices[o + 3 * q] = band + a3;
                indices[o + 4 * q] = band + a4;
                indices[o + 5 * q] = band + a5;
                indices[o + 6 * q] = band + a6;
                indices[o + 7 * q] = band + a7;
            }
        }
    }

    /**
     * Identity pooling: a bin is one cell. Max returns it at its own index; avg returns PyTorch's
     * {@code (0 + x) / 1 / 1}, which is x except that -0 becomes +0.
     */
    private static void copyPlanes(float[] in, float[] out, long[] indices, int from, int count, int planeSize,
                                   boolean avg) {
        if (avg) {
            for (int i = from; i < from + count; i++) {
                out[i] = in[i] + 0f;
            }
        } else {
            System.arraycopy(in, from, out, from, count);
        }
        if (indices != null) {
            for (int at = from, end = from + count; at < end; at += planeSize) {
                for (int i = 0; i < planeSize; i++) {
                    indices[at + i] = i;
                }
            }
        }
    }

    /**
     * Global average pooling (a 1x1 output): each plane is one bin, summed in order, {@value #SIDE} planes
     * side by side in one flat loop (the general loops give the same sums; the JIT does better with this).
     */
    private void averageWholePlanes(float[] in, float[] out, int first, int last) {
        int n = inPlane;
        float kd = d.in;
        float kh = h.in;
        float kw = w.in;
        int p = first;
        for (; p + SIDE <= last; p += SIDE) {
            int b0 = p * n;
            int b1 = b0 + n;
            int b2 = b1 + n;
            int b3 = b2 + n;
            int b4 = b3 + n;
            int b5 = b4 + n;
            int b6 = b5 + n;
            int b7 = b6 + n;
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            for (int k = 0; k < n; k++) {
                s0 += in[b0 + k];
                s1 += in[b1 + k];
                s2 += in[b2 + k];
                s3 += in[b3 + k];
                s4 += in[b4 + k];
                s5 += in[b5 + k];
                s6 += in[b6 + k];
                s7 += in[b7 + k];
            }
            out[p] = s0 / kd / kh / kw;
            out[p + 1] = s1 / kd / kh / kw;
            out[p + 2] = s2 / kd / kh / kw;
            out[p + 3] = s3 / kd / kh / kw;
            out[p + 4] = s4 / kd / kh / kw;
            out[p + 5] = s5 / kd / kh / kw;
            out[p + 6] = s6 / kd / kh / kw;
            out[p + 7] = s7 / kd / kh / kw;
        }
        for (; p < last; p++) {
            float s = 0f;
            for (int k = p * n, end = k + n; k < end; k++) {
                s += in[k];
            }
            out[p] = s / kd / kh / kw;
        }
    }

    /**
     * Where bin row {@code ih} of depth {@code id} starts, relative to its plane. A bin as wide as the
     * plane is one run of whole rows per depth (the same order, fewer loops): the row loop then takes one
     * step and the run covers all of the bin's rows.
     */
    private int runStart(int id, int ih, int w0) {
        return (id * h.in + ih) * w.in + w0;
    }

    private boolean wholeRows(int w0, int w1) {
        return w1 - w0 == w.in;
    }

    /** PyTorch's average of one plane: each bin's float32 sum in row-major order, divided by each length in turn. */
    private void avgPlane(float[] in, int base, float[] out, int o) {
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                int h0 = h.start[oh];
                int h1 = h.end[oh];
                for (int ow = 0; ow < w.out; ow++) {
                    int w0 = w.start[ow];
                    int w1 = w.end[ow];
                    boolean whole = wholeRows(w0, w1);
                    float sum = 0f;
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h0; ih < h1; ih = whole ? h1 : ih + 1) {
                            int from = base + runStart(id, ih, w0);
                            int to = from + (whole ? (h1 - h0) * w.in : w1 - w0);
                            for (int i = from; i < to; i++) {
                                sum += in[i];
                            }
                        }
                    }
                    out[o++] = sum / (d.end[od] - d.start[od]) / (h1 - h0) / (w1 - w0);
                }
            }
        }
    }

    /** {@link #avgPlane} for {@value #SIDE} consecutive planes at once. */
    private void avgPlanes8(float[] in, int base, float[] out, int o) {
        int p = inPlane;
        int q = outPlane;
        for (int od = 0; od < d.out; od++) {
            int d0 = d.start[od];
            int d1 = d.end[od];
            for (int oh = 0; oh < h.out; oh++) {
                int h0 = h.start[oh];
                int h1 = h.end[oh];
                for (int ow = 0; ow < w.out; ow++) {
                    int w0 = w.start[ow];
                    int w1 = w.end[ow];
                    boolean whole = wholeRows(w0, w1);
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    float s4 = 0f;
                    float s5 = 0f;
                    float s6 = 0f;
                    float s7 = 0f;
                    for (int id = d0; id < d1; id++) {
                        for (int ih = h0; ih < h1; ih = whole ? h1 : ih + 1) {
                            int from = base + runStart(id, ih, w0);
                            int to = from + (whole ? (h1 - h0) * w.in : w1 - w0);
                            for (int i = from; i < to; i++) {
                                s0 += in[i];
                                s1 += in[i + p];
                                s2 += in[i + 2 * p];
                                s3 += in[i + 3 * p];
                                s4 += in[i + 4 * p];
                                s5 += in[i + 5 * p];
                                s6 += in[i + 6 * p];
                                s7 += in[i + 7 * p];
                            }
                        }
                    }
                    float kd = d1 - d0;
                    float kh = h1 - h0;
                    float kw = w1 - w0;
                    out[o] = s0 / kd / kh / kw;
                    out[o + q] = s1 / kd / kh / kw;
                    out[o + 2 * q] = s2 / kd / kh / kw;
                    out[o + 3 * q] = s3 / kd / kh / kw;
                    out[o + 4 * q] = s4 / kd / kh / kw;
                    out[o + 5 * q] = s5 / kd / kh / kw;
                    out[o + 6 * q] = s6 / kd / kh / kw;
                    out[o + 7 * q] = s7 / kd / kh / kw;
                    o++;
                }
            }
        }
    }

    /**
     * PyTorch's max of one plane: starting from -inf at the bin's first index, take v when {@code v > max}
     * or v is NaN, so NaN wins (the last NaN's index is kept) and ties keep the first. The scan starts from
     * the bin's first element instead, which it would take anyway (or keep -inf at the same index).
     */
    private void maxPlane(float[] in, int base, float[] out, long[] indices, int o) {
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                int h0 = h.start[oh];
                int h1 = h.end[oh];
                for (int ow = 0; ow < w.out; ow++) {
                    int w0 = w.start[ow];
                    int w1 = w.end[ow];
                    boolean whole = wholeRows(w0, w1);
                    int first = runStart(d.start[od], h0, w0);
                    float max = in[base + first];
                    int argmax = first;
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h0; ih < h1; ih = whole ? h1 : ih + 1) {
                            int from = runStart(id, ih, w0);
                            int to = from + (whole ? (h1 - h0) * w.in : w1 - w0);
                            for (int j = from; j < to; j++) {
                                float v = in[base + j];
                                if (!(v <= max) && (v > max || v != v)) {
                                    max = v;
                                    argmax = j;
                                }
                            }
                        }
                    }
                    out[o] = max;
                    if (indices != null) {
                        indices[o] = argmax;
                    }
                    o++;
                }
            }
        }
    }

    /**
     * {@link #maxPlane} for {@value #SIDE} consecutive planes at once. Each element costs one compare and
     * one branch, {@code !(v <= max)}, which is false unless v is a new maximum or a NaN (or the maximum so
     * far is NaN); only then is PyTorch's exact rule checked. So the branch mispredicts only at new maxima.
     */
    private void maxPlanes8(float[] in, int base, float[] out, long[] indices, int o) {
        int p = inPlane;
        int q = outPlane;
        for (int od = 0; od < d.out; od++) {
            int d0 = d.start[od];
            int d1 = d.end[od];
            for (int oh = 0; oh < h.out; oh++) {
                int h0 = h.start[oh];
                int h1 = h.end[oh];
                for (int ow = 0; ow < w.out; ow++) {
                    int w0 = w.start[ow];
                    int w1 = w.end[ow];
                    boolean whole = wholeRows(w0, w1);
                    int first = runStart(d0, h0, w0);
                    int b = base + first;
                    float m0 = in[b];
                    float m1 = in[b + p];
                    float m2 = in[b + 2 * p];
                    float m3 = in[b + 3 * p];
                    float m4 = in[b + 4 * p];
                    float m5 = in[b + 5 * p];
                    float m6 = in[b + 6 * p];
                    float m7 = in[b + 7 * p];
                    int a0 = first;
                    int a1 = first;
                    int a2 = first;
                    int a3 = first;
                    int a4 = first;
                    int a5 = first;
                    int a6 = first;
                    int a7 = first;
                    for (int id = d0; id < d1; id++) {
                        for (int ih = h0; ih < h1; ih = whole ? h1 : ih + 1) {
                            int from = runStart(id, ih, w0);
                            int to = from + (whole ? (h1 - h0) * w.in : w1 - w0);
                            for (int j = from; j < to; j++) {
                                int i = base + j;
                                float v0 = in[i];
                                float v1 = in[i + p];
                                float v2 = in[i + 2 * p];
                                float v3 = in[i + 3 * p];
                                float v4 = in[i + 4 * p];
                                float v5 = in[i + 5 * p];
                                float v6 = in[i + 6 * p];
                                float v7 = in[i + 7 * p];
                                if (!(v0 <= m0) && (v0 > m0 || v0 != v0)) {
                                    m0 = v0;
                                    a0 = j;
                                }
                                if (!(v1 <= m1) && (v1 > m1 || v1 != v1)) {
                                    m1 = v1;
                                    a1 = j;
                                }
                                if (!(v2 <= m2) && (v2 > m2 || v2 != v2)) {
                                    m2 = v2;
                                    a2 = j;
                                }
                                if (!(v3 <= m3) && (v3 > m3 || v3 != v3)) {
                                    m3 = v3;
                                    a3 = j;
                                }
                                if (!(v4 <= m4) && (v4 > m4 || v4 != v4)) {
                                    m4 = v4;
                                    a4 = j;
                                }
                                if (!(v5 <= m5) && (v5 > m5 || v5 != v5)) {
                                    m5 = v5;
                                    a5 = j;
                                }
                                if (!(v6 <= m6) && (v6 > m6 || v6 != v6)) {
                                    m6 = v6;
                                    a6 = j;
                                }
                                if (!(v7 <= m7) && (v7 > m7 || v7 != v7)) {
                                    m7 = v7;
                                    a7 = j;
                                }
                            }
                        }
                    }
                    out[o] = m0;
                    out[o + q] = m1;
                    out[o + 2 * q] = m2;
                    out[o + 3 * q] = m3;
                    out[o + 4 * q] = m4;
                    out[o + 5 * q] = m5;
                    out[o + 6 * q] = m6;
                    out[o + 7 * q] = m7;
                    if (indices != null) {
                        indices[o] = a0;
                        indices[o + q] = a1;
                        indices[o + 2 * q] = a2;
                        indices[o + 3 * q] = a3;
                        indices[o + 4 * q] = a4;
                        indices[o + 5 * q] = a5;
                        indices[o + 6 * q] = a6;
                        indices[o + 7 * q] = a7;
                    }
                    o++;
                }
            }
        }
    }
}
