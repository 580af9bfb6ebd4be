package dev.clpool.opencl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * For tests outside this package: records which OpenCL functions clpool calls (every create, enqueue and
 * kernel-argument call goes through {@code Cl}), and makes one of them fail. Uses {@code Cl}'s fault
 * injection boundary, so nothing in the main code changes for it.
 */
public final class ClCalls {
    private ClCalls() {
    }

    /** The OpenCL functions called while {@code action} runs, in order. */
    public static List<String> during(Runnable action) {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        Cl.injectFaults(function -> {
            calls.add(function);
            return 0;
        });
        try {
            action.run();
        } finally {
            Cl.clearFaults();
        }
        return List.copyOf(calls);
    }

    /** Runs {@code action} with the {@code nth} (from 0) call of {@code function} failing with {@code status}. */
    public static void failing(String function, int nth, int status, Runnable action) {
        int[] seen = {0};
        Cl.injectFaults(f -> f.equals(function) && seen[0]++ == nth ? status : 0);
        try {
            action.run();
        } finally {
            Cl.clearFaults();
        }
    }
}
