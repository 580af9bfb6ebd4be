package dev.clpool.cpu;

import dev.clpool.plan.Runs;
import java.util.stream.LongStream;

/** Runs of whole planes on every core, in the common fork-join pool. */
final class Cores {
    static final int COUNT = Runtime.getRuntime().availableProcessors();

    private Cores() {
    }

    @FunctionalInterface
    interface Run {
        void apply(int first, int last);
    }

    /** Work below which a run is not worth handing to another thread (the fork-join round trip costs ~10 us). */
    private static final long MIN_RUN_WORK = 1 << 15;

    /**
     * A few runs per core, for balance, each a multiple of {@code multiple} items but the last, and each
     * worth at least {@link #MIN_RUN_WORK} element reads ({@code workPerItem} per item): small calls run on
     * the caller's thread, with no fork-join round trip.
     */
    static Runs split(long items, long multiple, long workPerItem) {
        long worthwhile = Math.max(1, items * Math.max(1, workPerItem) / MIN_RUN_WORK);
        return Runs.of(items, Math.min(4L * COUNT, worthwhile), multiple);
    }

    static void forEach(Runs runs, Run run) {
        if (runs.count() == 1) {
            run.apply(0, (int) runs.items());
            return;
        }
        LongStream.range(0, runs.count()).parallel().forEach(r -> run.apply((int) runs.start(r), (int) runs.end(r)));
    }
}
