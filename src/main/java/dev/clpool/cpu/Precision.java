package dev.clpool.cpu;

import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;

/**
 * The two precisions the Java loops compute in: float (for float32, float16 and bfloat16, which PyTorch
 * also sums in float and rounds once) and double (float64). Each says how to hold elements, move them
 * between a tensor of any storage and a scratch array, and which loops pool them.
 */
abstract sealed class Precision<A> permits Precision.Floats, Precision.Doubles {
    static final Floats FLOATS = new Floats();
    static final Doubles DOUBLES = new Doubles();

    static Precision<?> of(DType dtype) {
        return dtype == DType.FLOAT64 ? DOUBLES : FLOATS;
    }

    abstract A allocate(int n);

    /** The tensor's own array when the loops can read or write it in place, else {@code null}. */
    abstract A inPlace(Tensor t);

    abstract void read(Tensor t, long from, A dst, int offset, int n);

    abstract void write(Tensor t, long at, A src, int offset, int n);

    abstract Loops<A> loops(PoolPlan plan);

    /** {@code dst[c * rows + r] = src[r * cols + c]}: a {@code rows x cols} block, transposed. */
    abstract void transpose(A src, int rows, int cols, A dst);

    static void transpose(long[] src, int rows, int cols, long[] dst) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
    }

    static final class Floats extends Precision<float[]> {
        @Override
        float[] allocate(int n) {
            return new float[n];
        }

        @Override
        float[] inPlace(Tensor t) {
            return t.dtype() == DType.FLOAT32 && t.hasArray() ? t.floats() : null;
        }

        @Override
        void read(Tensor t, long from, float[] dst, int offset, int n) {
            t.readFloats(from, dst, offset, n);
        }

        @Override
        void write(Tensor t, long at, float[] src, int offset, int n) {
            t.writeFloats(at, src, offset, n);
        }

        @Override
        Loops<float[]> loops(PoolPlan plan) {
            return new PlaneLoops(plan);
        }

        @Override
        void transpose(float[] src, int rows, int cols, float[] dst) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    dst[c * rows + r] = src[r * cols + c];
                }
            }
        }
    }

    static final class Doubles extends Precision<double[]> {
        @Override
        double[] allocate(int n) {
            return new double[n];
        }

        @Override
        double[] inPlace(Tensor t) {
            return t.hasArray() ? t.doubles() : null;
        }

        @Override
        void read(Tensor t, long from, double[] dst, int offset, int n) {
            t.readDoubles(from, dst, offset, n);
        }

        @Override
        void write(Tensor t, long at, double[] src, int offset, int n) {
            t.writeDoubles(at, src, offset, n);
        }

        @Override
        Loops<double[]> loops(PoolPlan plan) {
            return new DoublePlaneLoops(plan);
        }

        @Override
        void transpose(double[] src, int rows, int cols, double[] dst) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    dst[c * rows + r] = src[r * cols + c];
                }
            }
        }
    }
}
