package dev.clpool.testing;

import java.security.SecureRandom;

/**
 * Seeds for randomised tests: a fresh seed per run (so that runs explore different cases), printed, and
 * overridable with {@code -Dclpool.test.seed=N} to replay a failure. Failure messages must include it.
 */
public final class Seeds {
    public static final String PROPERTY = "clpool.test.seed";

    private Seeds() {
    }

    /** The seed for {@code test}: {@code clpool.test.seed} if set, else a new random one; printed either way. */
    public static long seed(String test) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed != null && !fixed.isBlank() ? Long.decode(fixed.strip()) : new SecureRandom().nextLong();
        System.out.println("[" + test + "] seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
        return seed;
    }

    /** {@code "seed 123 (replay with -Dclpool.test.seed=123)"}, for failure messages. */
    public static String describe(long seed) {
        return "seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")";
    }
}
