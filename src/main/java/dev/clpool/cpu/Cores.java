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

    /** A few runs per core, for balance, each a multiple of {@code multiple} items but the last. */
    static Runs split(long items, long multiple) {
        return Runs.of(items, 4L * COUNT, multiple);
    }

    static void forEach(Runs runs, Run run) {
        if (runs.count() == 1) {
            run.apply(0, (int) runs.items());
            return;
        }
        LongStream.range(0, runs.count()).parallel().forEach(r -> run.apply((int) runs.start(r), (int) runs.end(r)));
    }
}
