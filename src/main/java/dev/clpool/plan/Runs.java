package dev.clpool.plan;

/**
 * Items {@code [0, items)} in consecutive runs of {@code length} items (the last one shorter): how
 * whole planes are shared out over cores, threads or work-items. Run {@code r} is
 * {@code [r * length, min(items, (r + 1) * length))}.
 *
 * @param items how many items
 * @param length items per run, at least 1
 * @param count how many runs
 */
public record Runs(long items, long length, long count) {
    /**
     * About {@code parts} runs whose length is a multiple of {@code multiple} (as the loops that take
     * {@code multiple} planes side by side want), fewer when there are not enough items.
     */
    public static Runs of(long items, long parts, long multiple) {
        if (items < 0 || parts < 1 || multiple < 1) {
            throw new IllegalArgumentException("runs of " + items + " items in " + parts + " parts of multiples of " + multiple);
        }
        long length = Math.max(1, ceilDiv(ceilDiv(items, parts), multiple) * multiple);
        return new Runs(items, length, ceilDiv(items, length));
    }

    public long start(long run) {
        return run * length;
    }

    public long end(long run) {
        return Math.min(items, (run + 1) * length);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
