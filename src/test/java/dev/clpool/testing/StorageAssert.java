package dev.clpool.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.tensor.BFloat16;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Tensor;

/**
 * Comparisons of tensors of any floating-point dtype: the same bits (any NaN matching any NaN), or
 * PyTorch's per-type tolerance ({@code torch.testing.assert_close}'s defaults).
 */
public final class StorageAssert {
    private StorageAssert() {
    }

    /** {@code torch.testing.assert_close}'s default (rtol, atol) for a dtype. */
    public record Tolerance(double rtol, double atol) {
        public static Tolerance of(DType dtype) {
            return switch (dtype) {
                case FLOAT16 -> new Tolerance(1e-3, 1e-5);
                case BFLOAT16 -> new Tolerance(1.6e-2, 1e-5);
                case FLOAT32 -> new Tolerance(1.3e-6, 1e-5);
                case FLOAT64 -> new Tolerance(1e-7, 1e-7);
                default -> throw new IllegalArgumentException(dtype.toString());
            };
        }
    }

    /** Element {@code i} as a double, exactly. */
    public static double value(Tensor t, int i) {
        return switch (t.dtype()) {
            case FLOAT32 -> t.floats()[i];
            case FLOAT64 -> t.doubles()[i];
            case FLOAT16 -> Float16.toFloat(t.shorts()[i]);
            case BFLOAT16 -> BFloat16.toFloat(t.shorts()[i]);
            default -> t.int64s()[i];
        };
    }

    /** Every element as a double, exactly. */
    public static double[] values(Tensor t) {
        double[] v = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = value(t, i);
        }
        return v;
    }

    private static Tensor onHeap(Tensor t) {
        return t.hasArray() ? t : t.toHeap();
    }

    private static long bits(Tensor t, int i) {
        return switch (t.dtype()) {
            case FLOAT32 -> Float.floatToRawIntBits(t.floats()[i]);
            case FLOAT64 -> Double.doubleToRawLongBits(t.doubles()[i]);
            case FLOAT16, BFLOAT16 -> t.shorts()[i] & 0xffff;
            default -> t.int64s()[i];
        };
    }

    /** Same dtype, layout and shape, and the same bits in every element; any NaN matches any NaN. Any storage. */
    public static void assertBitExact(Tensor expectedTensor, Tensor actualTensor, String what) {
        Tensor expected = onHeap(expectedTensor);
        Tensor actual = onHeap(actualTensor);
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertEquals(expected.layout(), actual.layout(), what + ": layout");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        for (int i = 0; i < expected.elementCount(); i++) {
            double e = value(expected, i);
            double a = value(actual, i);
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            if (bits(expected, i) != bits(actual, i)) {
                fail(what + ": element " + i + " is " + a + " (bits 0x" + Long.toHexString(bits(actual, i)) + "), expected " + e
                        + " (bits 0x" + Long.toHexString(bits(expected, i)) + ")");
            }
        }
    }

    /** Same dtype, layout and shape, every element within the dtype's tolerance; NaN matches NaN, infinities exactly. Any storage. */
    public static void assertClose(Tensor expectedTensor, Tensor actualTensor, String what) {
        Tensor expected = onHeap(expectedTensor);
        Tensor actual = onHeap(actualTensor);
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertEquals(expected.layout(), actual.layout(), what + ": layout");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        Tolerance tol = Tolerance.of(expected.dtype());
        for (int i = 0; i < expected.elementCount(); i++) {
            double e = value(expected, i);
            double a = value(actual, i);
            boolean ok = Double.isNaN(e) || Double.isNaN(a) ? Double.isNaN(e) && Double.isNaN(a)
                    : Double.isInfinite(e) || Double.isInfinite(a) ? e == a
                    : Math.abs(a - e) <= tol.atol() + tol.rtol() * Math.abs(e);
            if (!ok) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " within rtol " + tol.rtol() + ", atol " + tol.atol());
            }
        }
    }
}
