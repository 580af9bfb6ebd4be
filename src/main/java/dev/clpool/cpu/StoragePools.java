package dev.clpool.cpu;

import dev.clpool.tensor.BFloat16;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Layout;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Tensor;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import java.util.stream.IntStream;

/**
 * The Java path for storage types other than float32 and for channels-last tensors, with PyTorch's CPU
 * semantics: elements are widened to the accumulation type (float32 for float16 and bfloat16, float64 for
 * float64), each bin is summed (or scanned) in row-major order and divided by its lengths in turn, and the
 * result is rounded to the storage type once ({@code scalar_t(sum / kh / kw)}). float16 and bfloat16 are
 * widened to a float32 copy of the input first (twice the input's memory, for a while) and pooled by the
 * float32 loops, so their results are the float32 results rounded: bit for bit what PyTorch computes.
 *
 * <p>Channels-last tensors are pooled in place, without reordering: for each output cell, every
 * channel's sum runs over the bin in the same row-major order as the planar loops, so a layout never
 * changes the bits. Indices are spatial ({@code (d * H + h) * W + w}) and lie in the tensor's layout.
 */
final class StoragePools {
    private StoragePools() {
    }

    static void pool(JavaBackend floats, PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
        long[] idx = indices == null ? null : indices.int64s();
        boolean channelsLast = input.layout() == Layout.CHANNELS_LAST;
        DType dtype = input.dtype();
        switch (dtype) {
            case FLOAT32 -> poolFloats(floats, plan, channelsLast, input.floats(), values.floats(), idx);
            case FLOAT16, BFLOAT16 -> {
                float[] wide = widen(input.shorts(), dtype);
                float[] out = new float[values.shorts().length];
                poolFloats(floats, plan, channelsLast, wide, out, idx);
                narrow(out, values.shorts(), dtype);
            }
            case FLOAT64 -> {
                if (channelsLast) {
                    channelsLastDoubles(plan, input.doubles(), values.doubles(), idx);
                } else {
                    planesDoubles(plan, input.doubles(), values.doubles(), idx);
                }
            }
            default -> throw new IllegalArgumentException("input: dtype " + dtype + " cannot be pooled");
        }
    }

    private static void poolFloats(JavaBackend floats, PoolPlan plan, boolean channelsLast, float[] in, float[] out, long[] idx) {
        if (channelsLast) {
            channelsLastFloats(plan, in, out, idx);
        } else {
            floats.pool(plan, in, out, idx);
        }
    }

    /** float16 or bfloat16 bit patterns as floats, exactly, with all cores. */
    static float[] widen(short[] bits, DType dtype) {
        float[] out = new float[bits.length];
        boolean half = dtype == DType.FLOAT16;
        parallelRuns(bits.length, 1 << 15, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = half ? Float16.toFloat(bits[i]) : BFloat16.toFloat(bits[i]);
            }
        });
        return out;
    }

    /** Floats rounded to float16 or bfloat16 (nearest, ties to even; NaN to the type's one NaN), with all cores. */
    static void narrow(float[] values, short[] bits, DType dtype) {
        boolean half = dtype == DType.FLOAT16;
        parallelRuns(values.length, 1 << 15, (from, to) -> {
            for (int i = from; i < to; i++) {
                bits[i] = half ? Float16.fromFloat(values[i]) : BFloat16.fromFloat(values[i]);
            }
        });
    }

    private interface Run {
        void apply(int from, int to);
    }

    /** {@code [0, n)} in a few runs per core, each of at least {@code grain} items (one run if n is below that). */
    private static void parallelRuns(int n, int grain, Run run) {
        int runs = (int) Math.min(Runtime.getRuntime().availableProcessors() * 4L, Math.max(1, n / grain));
        if (runs == 1) {
            run.apply(0, n);
            return;
        }
        IntStream.range(0, runs).parallel().forEach(r -> run.apply((int) ((long) n * r / runs), (int) ((long) n * (r + 1) / runs)));
    }

    // ---------------------------------------------------------------- float64, planar (NCHW / NCDHW)

    /** PyTorch's double loops: planes in parallel, each bin summed in double in row-major order. */
    static void planesDoubles(PoolPlan plan, double[] in, double[] out, long[] idx) {
        Bins b = new Bins(plan);
        boolean avg = plan.op().mode() == PoolMode.AVG;
        int planes = Math.toIntExact(plan.planes());
        int inPlane = b.inD * b.inH * b.inW;
        int outPlane = b.outD * b.outH * b.outW;
        parallelRuns(planes, 1, (first, last) -> {
            for (int p = first; p < last; p++) {
                int base = p * inPlane;
                int o = p * outPlane;
                for (int od = 0; od < b.outD; od++) {
                    for (int oh = 0; oh < b.outH; oh++) {
                        for (int ow = 0; ow < b.outW; ow++, o++) {
                            int d0 = b.d0[od], d1 = b.d1[od], h0 = b.h0[oh], h1 = b.h1[oh], w0 = b.w0[ow], w1 = b.w1[ow];
                            if (avg) {
                                double sum = 0;
                                for (int d = d0; d < d1; d++) {
                                    for (int h = h0; h < h1; h++) {
                                        int row = base + (d * b.inH + h) * b.inW;
                                        for (int w = w0; w < w1; w++) {
                                            sum += in[row + w];
                                        }
                                    }
                                }
                                out[o] = sum / (d1 - d0) / (h1 - h0) / (w1 - w0);
                            } else {
                                double max = Double.NEGATIVE_INFINITY;
                                int arg = (d0 * b.inH + h0) * b.inW + w0;
                                for (int d = d0; d < d1; d++) {
                                    for (int h = h0; h < h1; h++) {
                                        int row = (d * b.inH + h) * b.inW;
                                        for (int w = w0; w < w1; w++) {
                                            double v = in[base + row + w];
                                            if (v > max || Double.isNaN(v)) {
                                                max = v;
                                                arg = row + w;
                                            }
                                        }
                                    }
                                }
                                out[o] = max;
                                if (idx != null) {
                                    idx[o] = arg;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- channels last (NHWC / NDHWC)

    /**
     * Channels-last float32: output cells in parallel; each cell's C channels are summed side by side over
     * the bin (the inner loop runs along C, contiguous in memory), each channel in row-major bin order.
     */
    static void channelsLastFloats(PoolPlan plan, float[] in, float[] out, long[] idx) {
        Bins b = new Bins(plan);
        boolean avg = plan.op().mode() == PoolMode.AVG;
        int c = Math.toIntExact(plan.inputShape().dim(1));
        int inSpatial = b.inD * b.inH * b.inW;
        int outSpatial = b.outD * b.outH * b.outW;
        int cells = Math.toIntExact(plan.inputShape().dim(0) * outSpatial);
        parallelRuns(cells, 4, (first, last) -> {
            int[] arg = avg ? null : new int[c];
            for (int q = first; q < last; q++) {
                int n = q / outSpatial;
                int s = q % outSpatial;
                int ow = s % b.outW;
                int oh = s / b.outW % b.outH;
                int od = s / b.outW / b.outH;
                int d0 = b.d0[od], d1 = b.d1[od], h0 = b.h0[oh], h1 = b.h1[oh], w0 = b.w0[ow], w1 = b.w1[ow];
                int o = q * c;
                if (avg) {
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = 0f;
                    }
                } else {
                    int firstCell = (d0 * b.inH + h0) * b.inW + w0;
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = Float.NEGATIVE_INFINITY;
                        arg[ch] = firstCell;
                    }
                }
                for (int d = d0; d < d1; d++) {
                    for (int h = h0; h < h1; h++) {
                        for (int w = w0; w < w1; w++) {
                            int cell = (d * b.inH + h) * b.inW + w;
                            int at = (n * inSpatial + cell) * c;
                            if (avg) {
                                for (int ch = 0; ch < c; ch++) {
                                    out[o + ch] += in[at + ch];
                                }
                            } else {
                                for (int ch = 0; ch < c; ch++) {
                                    float v = in[at + ch];
                                    if (v > out[o + ch] || Float.isNaN(v)) {
                                        out[o + ch] = v;
                                        arg[ch] = cell;
                                    }
                                }
                            }
                        }
                    }
                }
                if (avg) {
                    int kd = d1 - d0, kh = h1 - h0, kw = w1 - w0;
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = out[o + ch] / kd / kh / kw;
                    }
                } else if (idx != null) {
                    for (int ch = 0; ch < c; ch++) {
                        idx[o + ch] = arg[ch];
                    }
                }
            }
        });
    }

    /** {@link #channelsLastFloats} in float64. */
    static void channelsLastDoubles(PoolPlan plan, double[] in, double[] out, long[] idx) {
        Bins b = new Bins(plan);
        boolean avg = plan.op().mode() == PoolMode.AVG;
        int c = Math.toIntExact(plan.inputShape().dim(1));
        int inSpatial = b.inD * b.inH * b.inW;
        int outSpatial = b.outD * b.outH * b.outW;
        int cells = Math.toIntExact(plan.inputShape().dim(0) * outSpatial);
        parallelRuns(cells, 4, (first, last) -> {
            int[] arg = avg ? null : new int[c];
            for (int q = first; q < last; q++) {
                int n = q / outSpatial;
                int s = q % outSpatial;
                int ow = s % b.outW;
                int oh = s / b.outW % b.outH;
                int od = s / b.outW / b.outH;
                int d0 = b.d0[od], d1 = b.d1[od], h0 = b.h0[oh], h1 = b.h1[oh], w0 = b.w0[ow], w1 = b.w1[ow];
                int o = q * c;
                if (avg) {
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = 0d;
                    }
                } else {
                    int firstCell = (d0 * b.inH + h0) * b.inW + w0;
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = Double.NEGATIVE_INFINITY;
                        arg[ch] = firstCell;
                    }
                }
                for (int d = d0; d < d1; d++) {
                    for (int h = h0; h < h1; h++) {
                        for (int w = w0; w < w1; w++) {
                            int cell = (d * b.inH + h) * b.inW + w;
                            int at = (n * inSpatial + cell) * c;
                            if (avg) {
                                for (int ch = 0; ch < c; ch++) {
                                    out[o + ch] += in[at + ch];
                                }
                            } else {
                                for (int ch = 0; ch < c; ch++) {
                                    double v = in[at + ch];
                                    if (v > out[o + ch] || Double.isNaN(v)) {
                                        out[o + ch] = v;
                                        arg[ch] = cell;
                                    }
                                }
                            }
                        }
                    }
                }
                if (avg) {
                    int kd = d1 - d0, kh = h1 - h0, kw = w1 - w0;
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = out[o + ch] / kd / kh / kw;
                    }
                } else if (idx != null) {
                    for (int ch = 0; ch < c; ch++) {
                        idx[o + ch] = arg[ch];
                    }
                }
            }
        });
    }

    /** The three axes' bins as int tables (host arrays never hold more than 2^31 elements). */
    private static final class Bins {
        final int inD, inH, inW, outD, outH, outW;
        final int[] d0, d1, h0, h1, w0, w1;

        Bins(PoolPlan plan) {
            AxisBins d = plan.depth();
            AxisBins h = plan.height();
            AxisBins w = plan.width();
            inD = Math.toIntExact(d.inputSize());
            inH = Math.toIntExact(h.inputSize());
            inW = Math.toIntExact(w.inputSize());
            outD = Math.toIntExact(d.outputSize());
            outH = Math.toIntExact(h.outputSize());
            outW = Math.toIntExact(w.outputSize());
            d0 = starts(d);
            d1 = ends(d);
            h0 = starts(h);
            h1 = ends(h);
            w0 = starts(w);
            w1 = ends(w);
        }

        private static int[] starts(AxisBins a) {
            int[] s = new int[Math.toIntExact(a.outputSize())];
            for (int i = 0; i < s.length; i++) {
                s[i] = (int) a.start(i);
            }
            return s;
        }

        private static int[] ends(AxisBins a) {
            int[] e = new int[Math.toIntExact(a.outputSize())];
            for (int i = 0; i < e.length; i++) {
                e[i] = (int) a.end(i);
            }
            return e;
        }
    }
}
