package dev.clpool.testing;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running something: proof that a refusal allocated nothing big. */
public final class Allocations {
    private Allocations() {
    }

    /** A call that may throw. */
    @FunctionalInterface
    public interface Call {
        void run() throws Throwable;
    }

    /** What {@code call} threw (or null) and how many bytes this thread allocated meanwhile. */
    public record Measured(Throwable thrown, long bytes) {
    }

    public static Measured measure(Call call) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Measured(thrown, mx.getThreadAllocatedBytes(id) - before);
    }
}
