package dev.clpool.tensor;

/**
 * bfloat16 ({@code torch.bfloat16}) as {@code short} bit patterns: the upper half of a float32. To float
 * is exact; from float rounds to nearest, ties to even, with PyTorch's formula
 * ({@code c10::detail::round_to_nearest_even}: add {@code 0x7fff} plus the lowest kept bit, keep the upper
 * 16 bits), and any NaN becomes {@link #NaN}, {@code 0x7fc0}, as there.
 */
public final class BFloat16 {
    /** The NaN PyTorch and clpool write: {@code 0x7fc0}. */
    public static final short NaN = 0x7fc0;

    private BFloat16() {
    }

    /** The value of a bfloat16 bit pattern, exactly. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The bfloat16 nearest to {@code value} (ties to even); {@link #NaN} for any NaN. */
    public static short fromFloat(float value) {
        if (Float.isNaN(value)) {
            return NaN;
        }
        int x = Float.floatToRawIntBits(value);
        return (short) ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16);
    }

    /** {@code value} rounded to bfloat16 and back: what storing it as bfloat16 keeps. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    /** Each bfloat16 of {@code bits} as a float. */
    public static float[] toFloats(short[] bits) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = toFloat(bits[i]);
        }
        return out;
    }

    /** Each float of {@code values} rounded to bfloat16. */
    public static short[] fromFloats(float[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = fromFloat(values[i]);
        }
        return out;
    }
}
