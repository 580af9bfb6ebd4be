package dev.clpool.op;

import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code output_size} of an adaptive pooling, in PyTorch's forms: one size for every spatial axis
 * ({@code 7}), or one per axis ({@code (5, 7)}), where an axis may be "none" to keep the input's size
 * ({@code (None, 7)}). Immutable. Sizes are checked against the input when a pooling is planned, so
 * that the error can name the input too.
 */
public final class OutputSize {
    /** Marks an axis that keeps the input's size; private so that -1 from a caller stays an error. */
    private static final long NONE = Long.MIN_VALUE;

    private final long[] sizes;
    private final boolean uniform;

    private OutputSize(long[] sizes, boolean uniform) {
        this.sizes = sizes;
        this.uniform = uniform;
    }

    /**
     * {@code of(7)}: 7 on every spatial axis (PyTorch's int form). {@code of(5, 7)}: one size per axis.
     */
    public static OutputSize of(long... sizes) {
        if (sizes.length == 0) {
            throw new IllegalArgumentException("outputSize: at least one size is required");
        }
        long[] s = sizes.clone();
        for (long v : s) {
            notNone(v);
        }
        return new OutputSize(s, s.length == 1);
    }

    /** A caller's size equal to the private None marker is a negative size, not None: refused here. */
    private static long notNone(long size) {
        if (size == NONE) {
            throw new IllegalArgumentException("outputSize: sizes must be >= 0, got " + size);
        }
        return size;
    }

    /** One size per axis, where {@code null} keeps the input's size: {@code ofNullable(null, 7L)}. */
    public static OutputSize ofNullable(Long... sizes) {
        if (sizes.length == 0) {
            throw new IllegalArgumentException("outputSize: at least one size is required");
        }
        long[] s = new long[sizes.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = sizes[i] == null ? NONE : notNone(sizes[i]);
        }
        return new OutputSize(s, false);
    }

    /**
     * Parses PyTorch's forms as written on a command line: {@code 7}, {@code 5,7}, {@code none,7},
     * {@code (5, None)}. A single value applies to every axis.
     *
     * @throws IllegalArgumentException naming the text when it is not of that form
     */
    public static OutputSize parse(String spec) {
        String body = spec.strip();
        if (body.startsWith("(") && body.endsWith(")")) {
            body = body.substring(1, body.length() - 1);
        }
        String[] parts = body.split(",", -1);
        long[] s = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.equals("none")) {
                s[i] = NONE;
            } else {
                try {
                    s[i] = notNone(Long.parseLong(p));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("output size '" + spec
                            + "': expected an integer or 'none' per axis, like 7, 5,7 or none,7; got '" + parts[i].strip() + "'");
                }
            }
        }
        return new OutputSize(s, s.length == 1);
    }

    /** True for the single-int form, which applies to every spatial axis. */
    public boolean isUniform() {
        return uniform;
    }

    /** How many sizes were given: 1 for the int form. */
    public int arity() {
        return sizes.length;
    }

    /**
     * The output size per spatial axis for these input sizes, "none" resolved to the input's size.
     * Checks the arity and signs; zero is allowed, as in PyTorch (it gives an empty output).
     *
     * @throws IllegalArgumentException naming the output size and the offending value
     */
    public long[] resolve(long[] inputSpatial) {
        int rank = inputSpatial.length;
        if (!uniform && sizes.length != rank) {
            throw new IllegalArgumentException("outputSize " + this + ": expected " + rank + " sizes for "
                    + rank + "-d pooling, got " + sizes.length);
        }
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long s = sizes[uniform ? 0 : i];
            if (s == NONE) {
                out[i] = inputSpatial[i];
            } else if (s < 0) {
                throw new IllegalArgumentException("outputSize " + this + ": sizes must be >= 0, got " + s);
            } else {
                out[i] = s;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputSize s && uniform == s.uniform && Arrays.equals(sizes, s.sizes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + Boolean.hashCode(uniform);
    }

    /** {@code 7}, {@code (5, 7)} or {@code (None, 7)}, as PyTorch would print it. */
    @Override
    public String toString() {
        if (uniform) {
            return text(sizes[0]);
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : ", ").append(text(sizes[i]));
        }
        return b.append(sizes.length == 1 ? ",)" : ")").toString();
    }

    private static String text(long s) {
        return s == NONE ? "None" : Long.toString(s);
    }
}
