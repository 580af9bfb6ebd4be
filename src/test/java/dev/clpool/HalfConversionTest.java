package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.tensor.BFloat16;
import dev.clpool.tensor.Float16;
import dev.clpool.testing.Seeds;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Float16} and {@link BFloat16} against definitions written independently: every one of the 65536
 * bit patterns of each type decoded from the IEEE formula in double; rounding from float checked at every
 * representable value, every midpoint (ties to even) and its two float neighbours, and at random floats
 * against a nearest-value search over the sorted finite values.
 */
class HalfConversionTest {

    /** binary16 from its definition: (-1)^s * 2^(e-15) * 1.f, subnormals 2^-14 * 0.f. */
    static double float16Definition(int bits) {
        int s = bits >>> 15 & 1;
        int e = bits >>> 10 & 0x1f;
        int f = bits & 0x3ff;
        double sign = s == 1 ? -1 : 1;
        if (e == 0x1f) {
            return f == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return e == 0 ? sign * Math.scalb(f / 1024.0, -14) : sign * Math.scalb(1 + f / 1024.0, e - 15);
    }

    /** bfloat16 from its definition: (-1)^s * 2^(e-127) * 1.f with 7 fraction bits, subnormals 2^-126 * 0.f. */
    static double bfloat16Definition(int bits) {
        int s = bits >>> 15 & 1;
        int e = bits >>> 7 & 0xff;
        int f = bits & 0x7f;
        double sign = s == 1 ? -1 : 1;
        if (e == 0xff) {
            return f == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return e == 0 ? sign * Math.scalb(f / 128.0, -126) : sign * Math.scalb(1 + f / 128.0, e - 127);
    }

    @Test
    void everyFloat16PatternDecodesToItsValue() {
        for (int b = 0; b < 65536; b++) {
            float v = Float16.toFloat((short) b);
            double expected = float16Definition(b);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(v), "0x" + Integer.toHexString(b));
                continue;
            }
            assertEquals(expected, v, 0.0, "0x" + Integer.toHexString(b));
            assertEquals(b >>> 15, Float.floatToRawIntBits(v) >>> 31, "sign of 0x" + Integer.toHexString(b));
        }
    }

    @Test
    void everyBFloat16PatternDecodesToItsValue() {
        for (int b = 0; b < 65536; b++) {
            float v = BFloat16.toFloat((short) b);
            double expected = bfloat16Definition(b);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(v), "0x" + Integer.toHexString(b));
                continue;
            }
            assertEquals(expected, v, 0.0, "0x" + Integer.toHexString(b));
            assertEquals(b >>> 15, Float.floatToRawIntBits(v) >>> 31, "sign of 0x" + Integer.toHexString(b));
        }
    }

    @Test
    void everyPatternRoundTripsAndNaNIsCanonical() {
        for (int b = 0; b < 65536; b++) {
            short h = (short) b;
            short f16 = Float16.fromFloat(Float16.toFloat(h));
            short bf16 = BFloat16.fromFloat(BFloat16.toFloat(h));
            if (Double.isNaN(float16Definition(b))) {
                assertEquals(Float16.NaN, f16, "float16 NaN 0x" + Integer.toHexString(b));
            } else {
                assertEquals(h, f16, "float16 0x" + Integer.toHexString(b));
            }
            if (Double.isNaN(bfloat16Definition(b))) {
                assertEquals(BFloat16.NaN, bf16, "bfloat16 NaN 0x" + Integer.toHexString(b));
            } else {
                assertEquals(h, bf16, "bfloat16 0x" + Integer.toHexString(b));
            }
        }
    }

    /** Rounding at every midpoint of neighbouring finite values (and the floats beside it), both signs. */
    @Test
    void midpointsRoundToEvenAndTheirNeighboursToTheNearer() {
        checkMidpoints(true);
        checkMidpoints(false);
    }

    private static void checkMidpoints(boolean half) {
        String type = half ? "float16" : "bfloat16";
        int maxFinite = half ? 0x7bff : 0x7f7f;
        int infinity = half ? 0x7c00 : 0x7f80;
        for (int b = 0; b <= maxFinite; b++) {
            int next = b + 1; // the next larger magnitude; above the largest finite, infinity
            double lo = half ? float16Definition(b) : bfloat16Definition(b);
            // Above the largest finite value, rounding treats infinity as the value one ulp further.
            double hi = next == infinity ? 2 * lo - (half ? float16Definition(b - 1) : bfloat16Definition(b - 1))
                    : half ? float16Definition(next) : bfloat16Definition(next);
            float mid = (float) ((lo + hi) / 2);
            assertEquals((lo + hi) / 2, mid, 0.0, type + ": the midpoint above 0x" + Integer.toHexString(b) + " is a float");
            int even = (b & 1) == 0 ? b : next;
            for (int sign : new int[] {0, 0x8000}) {
                float s = sign == 0 ? 1 : -1;
                assertEquals(sign | even, round(half, s * mid) & 0xffff, type + " tie above 0x" + Integer.toHexString(b));
                assertEquals(sign | b, round(half, s * Math.nextDown(mid)) & 0xffff, type + " below the tie above 0x"
                        + Integer.toHexString(b));
                assertEquals(sign | next, round(half, s * Math.nextUp(mid)) & 0xffff, type + " above the tie above 0x"
                        + Integer.toHexString(b));
            }
        }
    }

    private static short round(boolean half, float v) {
        return half ? Float16.fromFloat(v) : BFloat16.fromFloat(v);
    }

    @Test
    void randomFloatsRoundToTheNearestValue() {
        long seed = Seeds.seed("HalfConversionTest");
        Random r = new Random(seed);
        double[] f16 = finiteNonNegative(true);
        double[] bf16 = finiteNonNegative(false);
        for (int k = 0; k < 300_000; k++) {
            // Random bit patterns cover every binade; a third are scaled into float16's range.
            float v = k % 3 == 0 ? (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(45) - 27))
                    : Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(v)) {
                continue;
            }
            assertEquals(nearest(f16, v, true), Float16.fromFloat(v) & 0xffff, () -> "float16 of " + v + ", " + Seeds.describe(seed));
            assertEquals(nearest(bf16, v, false), BFloat16.fromFloat(v) & 0xffff, () -> "bfloat16 of " + v + ", " + Seeds.describe(seed));
        }
        for (float v : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_VALUE, -Float.MIN_VALUE, 0f, -0f, 65504f, 65519.99f, 65520f, 1e-8f, 2.98e-8f, 5.97e-8f}) {
            assertEquals(nearest(f16, v, true), Float16.fromFloat(v) & 0xffff, "float16 of " + v);
            assertEquals(nearest(bf16, v, false), BFloat16.fromFloat(v) & 0xffff, "bfloat16 of " + v);
        }
    }

    /** The non-negative finite values in bit order (= value order), from the definitions. */
    private static double[] finiteNonNegative(boolean half) {
        int maxFinite = half ? 0x7bff : 0x7f7f;
        double[] v = new double[maxFinite + 1];
        for (int b = 0; b <= maxFinite; b++) {
            v[b] = half ? float16Definition(b) : bfloat16Definition(b);
        }
        return v;
    }

    /** The nearest value's bits, ties to the even pattern; beyond the last finite value's half-ulp, infinity. */
    private static int nearest(double[] values, float f, boolean half) {
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
        double a = Math.abs((double) f);
        int maxFinite = values.length - 1;
        double ulpAtTop = values[maxFinite] - values[maxFinite - 1];
        if (a >= values[maxFinite] + ulpAtTop / 2) {
            boolean tieToMax = a == values[maxFinite] + ulpAtTop / 2 && (maxFinite & 1) == 0;
            return sign | (tieToMax ? maxFinite : half ? 0x7c00 : 0x7f80);
        }
        int i = Arrays.binarySearch(values, a);
        if (i >= 0) {
            return sign | i;
        }
        int above = -i - 1;
        int below = above - 1;
        if (above == values.length) {
            return sign | maxFinite;
        }
        double dBelow = a - values[below];
        double dAbove = values[above] - a;
        int pick = dBelow < dAbove ? below : dAbove < dBelow ? above : (below & 1) == 0 ? below : above;
        return sign | pick;
    }

    @Test
    void arraysConvertElementwise() {
        float[] v = {1f, -2.5f, 65504f, 1e9f, Float.NaN};
        short[] h = Float16.fromFloats(v);
        assertEquals("[1.0, -2.5, 65504.0, Infinity, NaN]", Arrays.toString(Float16.toFloats(h)));
        short[] b = BFloat16.fromFloats(v);
        assertEquals("[1.0, -2.5, 65536.0, 9.9824435E8, NaN]", Arrays.toString(BFloat16.toFloats(b)));
        assertEquals(65504f, Float16.round(65504f));
        if (Float16.round(70000f) != Float.POSITIVE_INFINITY) {
            fail("70000 overflows float16");
        }
        assertEquals(1.0078125f, BFloat16.round(1.0078125f));
        assertEquals(1.0f, BFloat16.round(1.00390625f), "a tie rounds to the even 1.0");
    }
}
