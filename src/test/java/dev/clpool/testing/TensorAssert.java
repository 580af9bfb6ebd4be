package dev.clpool.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.tensor.Tensor;

/** Comparisons with PyTorch's meaning of "equal": bit-exact for max, float32 tolerance for avg. */
public final class TensorAssert {
    /** PyTorch's default float32 tolerances ({@code torch.testing.assert_close}). */
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1.3e-6;

    private TensorAssert() {
    }

    /** Same shape and every element within {@code atol + rtol * |expected|}; NaN matches NaN, infinities match exactly. */
    public static void assertClose(Tensor expected, Tensor actual, String context) {
        assertEquals(expected.shape(), actual.shape(), context + ": shape");
        float[] e = expected.floats();
        float[] a = actual.floats();
        for (int i = 0; i < e.length; i++) {
            if (!close(e[i], a[i], ATOL, RTOL)) {
                fail(context + ": element " + i + " is " + a[i] + ", expected " + e[i]
                        + " (|diff| " + Math.abs((double) a[i] - e[i]) + " > atol " + ATOL + " + rtol " + RTOL + " * |expected|)");
            }
        }
    }

    public static boolean close(float expected, float actual, double atol, double rtol) {
        if (Float.isNaN(expected) || Float.isNaN(actual)) {
            return Float.isNaN(expected) && Float.isNaN(actual);
        }
        if (Float.isInfinite(expected) || Float.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs((double) actual - expected) <= atol + rtol * Math.abs((double) expected);
    }

    /** Same shape and the same bits in every element (any NaN matches any NaN; -0 differs from +0). */
    public static void assertBitExact(Tensor expected, Tensor actual, String context) {
        assertEquals(expected.shape(), actual.shape(), context + ": shape");
        float[] e = expected.floats();
        float[] a = actual.floats();
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
                fail(context + ": element " + i + " is " + a[i] + " (bits " + Integer.toHexString(Float.floatToIntBits(a[i]))
                        + "), expected " + e[i] + " (bits " + Integer.toHexString(Float.floatToIntBits(e[i])) + ")");
            }
        }
    }

    /** Same shape and the same int64 values. */
    public static void assertSameIndices(Tensor expected, Tensor actual, String context) {
        assertEquals(expected.shape(), actual.shape(), context + ": indices shape");
        long[] e = expected.int64s();
        long[] a = actual.int64s();
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                fail(context + ": index " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }
}
