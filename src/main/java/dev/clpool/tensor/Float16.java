package dev.clpool.tensor;

/**
 * IEEE 754 binary16 ({@code torch.float16}, NumPy {@code <f2}) as {@code short} bit patterns, converted as
 * PyTorch's CPU kernels convert: to float exactly; from float rounded to nearest, ties to even (values
 * of 65520 and more become infinity, as with {@code vstore_half_rte} and {@code _cvtss_sh}). Java 17 has
 * no {@code Float.float16ToFloat}.
 *
 * <p>NaN becomes the one quiet NaN {@link #NaN} ({@code 0x7e00}): devices keep NaN payloads and signs
 * differently, and clpool's paths must agree bit for bit.
 */
public final class Float16 {
    /** The NaN clpool writes: quiet, positive, no payload. */
    public static final short NaN = 0x7e00;
    /** The largest finite value, 65504. */
    public static final float MAX_VALUE = 65504f;

    private Float16() {
    }

    /** The value of a float16 bit pattern, exactly (NaN payloads are kept in the upper fraction bits). */
    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int fraction = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | fraction << 13);
        }
        if (exponent == 0) {
            float v = fraction * 0x1p-24f; // zero or subnormal: exact
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | fraction << 13);
    }

    /** The float16 nearest to {@code value} (ties to even); {@link #NaN} for any NaN. */
    public static short fromFloat(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7fffffff;
        if (abs > 0x7f800000) {
            return NaN;
        }
        if (abs >= 0x477ff000) { // 65520, halfway from 65504 to 2^16: rounds (to even) to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x38800000) { // 2^-14 and up: a normal float16
            int fraction = abs & 0x7fffff;
            int h = ((abs >>> 23) - 112) << 10 | fraction >>> 13;
            int rest = fraction & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
                h++; // a carry into the exponent is right: the next binade
            }
            return (short) (sign | h);
        }
        if (abs <= 0x33000000) { // up to 2^-25, half the smallest subnormal: rounds (to even) to zero
            return (short) sign;
        }
        // A subnormal float16: the value in units of 2^-24, rounded.
        int exponent = abs >>> 23;
        int significand = (abs & 0x7fffff) | 0x800000;
        int shift = 126 - exponent;
        int h = significand >>> shift;
        int rest = significand & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (h & 1) != 0)) {
            h++; // 0x400 after a carry is the smallest normal, also right
        }
        return (short) (sign | h);
    }

    /** {@code value} rounded to float16 and back: what storing it as float16 keeps. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    /** Each float16 of {@code bits} as a float. */
    public static float[] toFloats(short[] bits) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = toFloat(bits[i]);
        }
        return out;
    }

    /** Each float of {@code values} rounded to float16. */
    public static short[] fromFloats(float[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = fromFloat(values[i]);
        }
        return out;
    }
}
