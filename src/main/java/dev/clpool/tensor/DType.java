package dev.clpool.tensor;

import java.util.Locale;

/**
 * Element types of a {@link Tensor}, named as NumPy and PyTorch name them.
 *
 * <p>Pooling takes the four floating-point types and returns values of its input's type; int64 is the
 * type of max-pooling indices. In Java, float16 and bfloat16 elements are {@code short} bit patterns
 * (see {@link Float16} and {@link BFloat16}), float32 {@code float}, float64 {@code double}, int64 {@code long}.
 */
public enum DType {
    FLOAT32("float32", 4),
    INT64("int64", 8),
    /** IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits; PyTorch's {@code torch.float16} (half). */
    FLOAT16("float16", 2),
    /** The upper 16 bits of a float32: 1 sign, 8 exponent, 7 fraction bits; PyTorch's {@code torch.bfloat16}. */
    BFLOAT16("bfloat16", 2),
    /** IEEE 754 binary64; PyTorch's {@code torch.float64} (double). */
    FLOAT64("float64", 8);

    private final String numpyName;
    private final int byteSize;

    DType(String numpyName, int byteSize) {
        this.numpyName = numpyName;
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the types pooling takes: float16, bfloat16, float32 and float64. */
    public boolean isFloatingPoint() {
        return this != INT64;
    }

    /**
     * Parses a name as {@link #toString()} writes it ({@code float16}, ...), or PyTorch's aliases
     * {@code half}, {@code float}, {@code double}, {@code long} (any case).
     */
    public static DType parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "half", "fp16", "f16" -> t = "float16";
            case "float", "fp32", "f32" -> t = "float32";
            case "double", "fp64", "f64" -> t = "float64";
            case "bf16" -> t = "bfloat16";
            case "long" -> t = "int64";
            default -> { }
        }
        for (DType d : values()) {
            if (d.numpyName.equals(t)) {
                return d;
            }
        }
        throw new IllegalArgumentException("dtype: expected float16, bfloat16, float32, float64 or int64, got '" + text + "'");
    }

    @Override
    public String toString() {
        return numpyName;
    }
}
