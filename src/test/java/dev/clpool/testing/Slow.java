package dev.clpool.testing;

/**
 * The switch for the slow variants of the reliability tests: {@code -Dclpool.test.slow=true} (Maven:
 * {@code mvn test -Dclpool.test.slow=true}) runs them with far more calls, threads' calls and fuzzing
 * tries than the default suite, which stays fast enough for every CI run.
 */
public final class Slow {
    public static final String PROPERTY = "clpool.test.slow";

    private Slow() {
    }

    /** True with {@code -Dclpool.test.slow=true}. */
    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** {@code slow} when the slow variants are on, else {@code fast}. */
    public static int pick(int fast, int slow) {
        return enabled() ? slow : fast;
    }
}
