package dev.clpool.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.SpyBackend;
import dev.clpool.testing.TestDevices;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 5.6, the harness tested: fed a reference with a mutated bin end (floor instead of ceil) or a
 * max that drops NaN, {@link PoolingHarness} must report a failure, naming the seed, the case, the
 * reference and the disagreement; the same cases pass with the true reference, so the failures are
 * the mutation's. And a path that computes wrong results is reported too.
 */
class HarnessSelfTest {
    /** The mutants are caught within a few tries; this many is far more than they need. */
    static final int MAX_TRIES = 500;
    static long seed;

    @BeforeAll
    static void seed() {
        seed = Seeds.seed("HarnessSelfTest");
    }

    static PoolingHarness harness(Oracle oracle) {
        return new PoolingHarness(oracle, TestDevices.java(), TestDevices.openCl(), true);
    }

    /** Runs {@code mutant} until it is caught; then the true reference over the same tries, which must pass. */
    static String caught(Oracle mutant) {
        PoolingHarness.Report report = harness(mutant).run(seed, MAX_TRIES, true);
        assertFalse(report.failures().isEmpty(), "the harness did not notice the " + mutant + " in " + report.tries()
                + " tries (" + Seeds.describe(seed) + ")");
        String failure = report.failures().get(0);
        System.out.println("[HarnessSelfTest] " + mutant + " caught at try " + (report.tries() - 1) + ": " + failure);
        assertTrue(failure.startsWith(Seeds.describe(seed) + ", try " + (report.tries() - 1) + ": input "), failure);
        assertTrue(failure.contains("reference " + mutant.name()), failure);
        PoolingHarness.Report truth = harness(Oracle.PYTORCH).run(seed, report.tries(), false);
        assertEquals(List.of(), truth.failures(), "the true reference on the same tries");
        return failure;
    }

    @Test
    void floorInsteadOfCeilForBinEndsIsReported() {
        String failure = caught(Oracle.FLOOR_END);
        assertTrue(failure.contains("path, ") || failure.contains("PyTorch, "), failure);
    }

    @Test
    void aMaxThatDropsNaNIsReported() {
        String failure = caught(Oracle.NAN_DROPPING_MAX);
        assertTrue(failure.contains(", max") && failure.contains("a NaN"), failure);
    }

    @Test
    void theMutantsReallyDifferFromTheDefinition() {
        // 5 -> 3 bins are [0, 2) [1, 4) [3, 5); with floor ends [0, 1) [1, 3) [3, 5).
        FuzzCase c = new FuzzCase(0, new long[] {1, 1, 5}, 1L, 3L, FuzzCase.Fill.SPECIAL,
                new float[] {1, Float.NaN, 3, 4, 2});
        assertEquals("[NaN, NaN, 4.0]", java.util.Arrays.toString(Oracle.PYTORCH.pool(c, false).values()));
        assertEquals("[1, 1, 3]", java.util.Arrays.toString(Oracle.PYTORCH.pool(c, false).indices()));
        assertEquals("[1.0, NaN, 4.0]", java.util.Arrays.toString(Oracle.FLOOR_END.pool(c, false).values()));
        assertEquals("[1.0, 4.0, 4.0]", java.util.Arrays.toString(Oracle.NAN_DROPPING_MAX.pool(c, false).values()));
    }

    @Test
    void aPathThatComputesWrongResultsIsReported() {
        // A backend that writes 42 everywhere, standing in for the OpenCL path.
        try (Clpool wrong = Clpool.using(SpyBackend.counting())) {
            PoolingHarness.Report report = new PoolingHarness(Oracle.PYTORCH, TestDevices.java(), wrong, false)
                    .run(seed, MAX_TRIES, true);
            assertFalse(report.failures().isEmpty(), "a path returning 42s went unnoticed");
            assertTrue(report.failures().get(0).contains("OpenCL path, avg: element 0 is 42.0"), report.failures().get(0));
        }
    }
}
