package dev.clpool.op;

import java.util.Locale;

/** What a pooling computes over each bin. */
public enum PoolMode {
    /** The mean of the bin, summed in float32 and divided by its element count. */
    AVG,
    /** The largest element of the bin; NaN wins, ties keep the first. */
    MAX;

    /** {@code avg} or {@code max}, as written on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code avg} or {@code max} (any case). */
    public static PoolMode parse(String text) {
        for (PoolMode m : values()) {
            if (m.label().equalsIgnoreCase(text.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode: expected avg or max, got '" + text + "'");
    }
}
