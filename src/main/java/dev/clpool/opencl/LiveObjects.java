package dev.clpool.opencl;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the OpenCL objects clpool has created and not yet released, per kind, across the JVM: a leak
 * shows as a count that does not return to its baseline.
 */
public final class LiveObjects {
    /** The kinds of OpenCL object clpool owns. */
    public enum Kind { CONTEXT, QUEUE, PROGRAM, KERNEL, BUFFER, EVENT }

    private static final AtomicLongArray COUNTS = new AtomicLongArray(Kind.values().length);

    private LiveObjects() {
    }

    static void created(Kind kind) {
        COUNTS.incrementAndGet(kind.ordinal());
    }

    static void released(Kind kind) {
        COUNTS.decrementAndGet(kind.ordinal());
    }

    /** Live objects of one kind. */
    public static long count(Kind kind) {
        return COUNTS.get(kind.ordinal());
    }

    /** Live objects of every kind. */
    public static Map<Kind, Long> snapshot() {
        Map<Kind, Long> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            m.put(k, count(k));
        }
        return m;
    }
}
