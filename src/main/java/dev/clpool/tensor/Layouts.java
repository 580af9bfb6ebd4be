package dev.clpool.tensor;

import java.util.stream.IntStream;

/** The copies behind {@link Tensor#toLayout} and {@link Tensor#to}: reordering and converting elements. */
final class Layouts {
    private Layouts() {
    }

    /** {@code t}'s logical elements in {@code target}'s order, in a new array. */
    static Tensor convert(Tensor tensor, Layout target) {
        Tensor t = tensor.hasArray() ? tensor : tensor.toHeap();
        if (t.layout() == target) {
            return t == tensor ? t.copy() : t;
        }
        target.check(t.shape());
        Tensor out = Tensor.zeros(t.dtype(), t.shape(), target);
        int n = Math.toIntExact(t.shape().dim(0));
        int c = Math.toIntExact(t.shape().dim(1));
        int s = Math.toIntExact(t.shape().product(2, t.shape().rank()));
        boolean toChannelsLast = target == Layout.CHANNELS_LAST;
        Object src = t.array();
        Object dst = out.array();
        IntStream.range(0, n).parallel().forEach(b -> permute(src, dst, b, c, s, toChannelsLast));
        return out;
    }

    /**
     * Batch element {@code b}: planar index {@code (b * C + ch) * S + sp} to channels-last
     * {@code (b * S + sp) * C + ch}, or back. Each type has its own loop, so that the copy runs at memory speed.
     */
    private static void permute(Object src, Object dst, int b, int c, int s, boolean toChannelsLast) {
        int base = b * c * s;
        int srcStride = toChannelsLast ? 1 : c; // how far the source index moves as sp grows by one
        int dstStride = toChannelsLast ? c : 1; // and the target index
        for (int ch = 0; ch < c; ch++) {
            int from = base + (toChannelsLast ? ch * s : ch);
            int to = base + (toChannelsLast ? ch : ch * s);
            if (src instanceof float[] f) {
                float[] d = (float[]) dst;
                for (int sp = 0; sp < s; sp++) {
                    d[to + sp * dstStride] = f[from + sp * srcStride];
                }
            } else if (src instanceof short[] h) {
                short[] d = (short[]) dst;
                for (int sp = 0; sp < s; sp++) {
                    d[to + sp * dstStride] = h[from + sp * srcStride];
                }
            } else if (src instanceof double[] g) {
                double[] d = (double[]) dst;
                for (int sp = 0; sp < s; sp++) {
                    d[to + sp * dstStride] = g[from + sp * srcStride];
                }
            } else {
                long[] l = (long[]) src;
                long[] d = (long[]) dst;
                for (int sp = 0; sp < s; sp++) {
                    d[to + sp * dstStride] = l[from + sp * srcStride];
                }
            }
        }
    }

    /** {@code t}'s elements converted to {@code target}, contiguous over the same array order. */
    static Tensor convertType(Tensor tensor, DType target) {
        Tensor t = tensor.hasArray() ? tensor : tensor.toHeap();
        if (!t.dtype().isFloatingPoint() || !target.isFloatingPoint()) {
            throw new IllegalArgumentException("dtype: converts between float16, bfloat16, float32 and float64, not "
                    + t.dtype() + " to " + target);
        }
        if (t.dtype() == target) {
            return (t == tensor ? t.copy() : t).withLayout(Layout.CONTIGUOUS);
        }
        Shape shape = t.shape();
        if (target == DType.FLOAT64) {
            double[] out = new double[(int) t.elementCount()];
            switch (t.dtype()) {
                case FLOAT32 -> {
                    float[] f = t.floats();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = f[i];
                    }
                }
                default -> {
                    float[] f = widen(t);
                    for (int i = 0; i < out.length; i++) {
                        out[i] = f[i];
                    }
                }
            }
            return Tensor.of(out, shape);
        }
        // To float32 first: exact from 16 bits, rounded once from float64 (then float64 -> 16 bits rounds
        // twice, through float32, as PyTorch's conversions do).
        float[] f;
        if (t.dtype() == DType.FLOAT64) {
            double[] d = t.doubles();
            f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
        } else {
            f = widen(t);
        }
        return switch (target) {
            case FLOAT32 -> Tensor.of(f, shape);
            case FLOAT16 -> Tensor.ofFloat16(Float16.fromFloats(f), shape);
            case BFLOAT16 -> Tensor.ofBFloat16(BFloat16.fromFloats(f), shape);
            default -> throw new AssertionError(target);
        };
    }

    /** The elements of a float32, float16 or bfloat16 tensor as floats (a copy for float32 too). */
    private static float[] widen(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.floats().clone();
            case FLOAT16 -> Float16.toFloats(t.shorts());
            case BFLOAT16 -> BFloat16.toFloats(t.shorts());
            default -> throw new AssertionError(t.dtype());
        };
    }
}
