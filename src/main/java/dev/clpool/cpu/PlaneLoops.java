package dev.clpool.cpu;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.PoolPlan;

/**
 * The float loops of one plan, over any range of whole planes (C order, float32 values): PyTorch's CPU
 * loops. Every bin is summed (or scanned) in PyTorch's row-major order, so averages are PyTorch's float32
 * results bit for bit, and equal to every OpenCL kernel's; speed comes from running four planes' sums
 * side by side.
 */
final class PlaneLoops implements Loops<float[]> {
    private final Bins d;
    private final Bins h;
    private final Bins w;
    private final int inPlane;
    private final int outPlane;
    private final boolean avg;
    private final boolean identity;

    PlaneLoops(PoolPlan plan) {
        d = new Bins(plan.depth());
        h = new Bins(plan.height());
        w = new Bins(plan.width());
        inPlane = Math.toIntExact(plan.inputPlaneSize());
        outPlane = Math.toIntExact(plan.outputPlaneSize());
        avg = plan.op().mode() == PoolMode.AVG;
        identity = d.isIdentity() && h.isIdentity() && w.isIdentity();
    }

    /** Pools planes {@code [p, last)} of {@code input} into the same planes of {@code values} (and {@code indices}). */
    @Override
    public void run(float[] input, float[] values, long[] indices, int p, int last) {
        if (identity) {
            copyPlanes(input, values, indices, p * inPlane, (last - p) * inPlane, inPlane, avg);
            return;
        }
        if (avg && outPlane == 1) {
            averageWholePlanes(input, values, p, last, d.in, h.in, w.in);
            return;
        }
        // Four planes at a time: their bins are the same, so four independent sums (or scans) run
        // side by side, each in PyTorch's own order, and the CPU overlaps them.
        for (; p + 4 <= last; p += 4) {
            if (avg) {
                avgPlanes4(input, p * inPlane, inPlane, values, p * outPlane, outPlane, d, h, w);
            } else {
                maxPlanes4(input, p * inPlane, inPlane, values, indices, p * outPlane, outPlane, d, h, w);
            }
        }
        for (; p < last; p++) {
            if (avg) {
                avgPlane(input, p * inPlane, values, p * outPlane, d, h, w);
            } else {
                maxPlane(input, p * inPlane, values, indices, p * outPlane, d, h, w);
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
            for (int i = 0; i < count; i++) {
                indices[from + i] = (from + i) % planeSize;
            }
        }
    }

    /**
     * Global average pooling (a 1x1 output): each plane is one bin, summed in order, four planes side by
     * side. The general loops give the same sums, slower: the JIT does better with one flat loop.
     */
    private static void averageWholePlanes(float[] in, float[] out, int first, int last, int kd, int kh, int kw) {
        int planeSize = kd * kh * kw;
        int p = first;
        for (; p + 4 <= last; p += 4) {
            int b0 = p * planeSize;
            int b1 = b0 + planeSize;
            int b2 = b1 + planeSize;
            int b3 = b2 + planeSize;
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int k = 0; k < planeSize; k++) {
                s0 += in[b0 + k];
                s1 += in[b1 + k];
                s2 += in[b2 + k];
                s3 += in[b3 + k];
            }
            out[p] = s0 / kd / kh / kw;
            out[p + 1] = s1 / kd / kh / kw;
            out[p + 2] = s2 / kd / kh / kw;
            out[p + 3] = s3 / kd / kh / kw;
        }
        for (; p < last; p++) {
            float s = 0f;
            for (int k = p * planeSize; k < (p + 1) * planeSize; k++) {
                s += in[k];
            }
            out[p] = s / kd / kh / kw;
        }
    }

    /** PyTorch's average: the bin's float32 sum in row-major order, divided by each bin length in turn. */
    private static void avgPlane(float[] in, int base, float[] out, int o, Bins d, Bins h, Bins w) {
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                for (int ow = 0; ow < w.out; ow++) {
                    float sum = 0f;
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                            int row = base + (id * h.in + ih) * w.in;
                            for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                                sum += in[row + iw];
                            }
                        }
                    }
                    out[o++] = sum / (d.end[od] - d.start[od]) / (h.end[oh] - h.start[oh]) / (w.end[ow] - w.start[ow]);
                }
            }
        }
    }

    /** {@link #avgPlane} for four consecutive planes at once. */
    private static void avgPlanes4(float[] in, int base, int inPlane, float[] out, int o, int outPlane,
                                   Bins d, Bins h, Bins w) {
        // Locals, not fields, in the loops: the JIT then keeps them in registers.
        int[] hStart = h.start;
        int[] hEnd = h.end;
        int[] wStart = w.start;
        int[] wEnd = w.end;
        int rowLength = w.in;
        int planeRows = h.in;
        int outH = h.out;
        int outW = w.out;
        for (int od = 0; od < d.out; od++) {
            int d0 = d.start[od];
            int d1 = d.end[od];
            for (int oh = 0; oh < outH; oh++) {
                int h0 = hStart[oh];
                int h1 = hEnd[oh];
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = wStart[ow];
                    int w1 = wEnd[ow];
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    // A bin as wide as the plane is one run of whole rows: one loop, the same order.
                    boolean wholeRows = w1 - w0 == rowLength;
                    for (int id = d0; id < d1; id++) {
                        for (int ih = h0; ih < h1; ih = wholeRows ? h1 : ih + 1) {
                            int from = base + (id * planeRows + ih) * rowLength + w0;
                            int to = wholeRows ? base + (id * planeRows + h1) * rowLength : from + w1 - w0;
                            for (int i = from; i < to; i++) {
                                s0 += in[i];
                                s1 += in[i + inPlane];
                                s2 += in[i + 2 * inPlane];
                                s3 += in[i + 3 * inPlane];
                            }
                        }
                    }
                    int kd = d1 - d0;
                    int kh = h1 - h0;
                    int kw = w1 - w0;
                    out[o] = s0 / kd / kh / kw;
                    out[o + outPlane] = s1 / kd / kh / kw;
                    out[o + 2 * outPlane] = s2 / kd / kh / kw;
                    out[o + 3 * outPlane] = s3 / kd / kh / kw;
                    o++;
                }
            }
        }
    }

    /**
     * PyTorch's max: starting from -inf at the bin's first index, take v when {@code v > max} or v is
     * NaN, so NaN wins (the last NaN's index is kept) and ties keep the first.
     */
    private static void maxPlane(float[] in, int base, float[] out, long[] indices, int o, Bins d, Bins h, Bins w) {
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                for (int ow = 0; ow < w.out; ow++) {
                    float max = Float.NEGATIVE_INFINITY;
                    int argmax = (d.start[od] * h.in + h.start[oh]) * w.in + w.start[ow];
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                            int row = (id * h.in + ih) * w.in;
                            for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                                float v = in[base + row + iw];
                                if (v > max || Float.isNaN(v)) {
                                    max = v;
                                    argmax = row + iw;
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

    /** {@link #maxPlane} for four consecutive planes at once. */
    private static void maxPlanes4(float[] in, int base, int inPlane, float[] out, long[] indices, int o, int outPlane,
                                   Bins d, Bins h, Bins w) {
        int[] hStart = h.start;
        int[] hEnd = h.end;
        int[] wStart = w.start;
        int[] wEnd = w.end;
        int rowLength = w.in;
        int planeRows = h.in;
        int outH = h.out;
        int outW = w.out;
        for (int od = 0; od < d.out; od++) {
            int d0 = d.start[od];
            int d1 = d.end[od];
            for (int oh = 0; oh < outH; oh++) {
                int h0 = hStart[oh];
                int h1 = hEnd[oh];
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = wStart[ow];
                    int w1 = wEnd[ow];
                    int first = (d0 * planeRows + h0) * rowLength + w0;
                    float m0 = Float.NEGATIVE_INFINITY;
                    float m1 = Float.NEGATIVE_INFINITY;
                    float m2 = Float.NEGATIVE_INFINITY;
                    float m3 = Float.NEGATIVE_INFINITY;
                    int a0 = first;
                    int a1 = first;
                    int a2 = first;
                    int a3 = first;
                    boolean wholeRows = w1 - w0 == rowLength;
                    for (int id = d0; id < d1; id++) {
                        for (int ih = h0; ih < h1; ih = wholeRows ? h1 : ih + 1) {
                            int from = (id * planeRows + ih) * rowLength + w0;
                            int to = wholeRows ? (id * planeRows + h1) * rowLength : from + w1 - w0;
                            for (int j = from; j < to; j++) {
                                int i = base + j;
                                float v0 = in[i];
                                float v1 = in[i + inPlane];
                                float v2 = in[i + 2 * inPlane];
                                float v3 = in[i + 3 * inPlane];
                                if (v0 > m0 || Float.isNaN(v0)) {
                                    m0 = v0;
                                    a0 = j;
                                }
                                if (v1 > m1 || Float.isNaN(v1)) {
                                    m1 = v1;
                                    a1 = j;
                                }
                                if (v2 > m2 || Float.isNaN(v2)) {
                                    m2 = v2;
                                    a2 = j;
                                }
                                if (v3 > m3 || Float.isNaN(v3)) {
                                    m3 = v3;
                                    a3 = j;
                                }
                            }
                        }
                    }
                    out[o] = m0;
                    out[o + outPlane] = m1;
                    out[o + 2 * outPlane] = m2;
                    out[o + 3 * outPlane] = m3;
                    if (indices != null) {
                        indices[o] = a0;
                        indices[o + outPlane] = a1;
                        indices[o + 2 * outPlane] = a2;
                        indices[o + 3 * outPlane] = a3;
                    }
                    o++;
                }
            }
        }
    }
}
