package dev.clpool.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.Seeds;
import dev.clpool.testing.Slow;
import dev.clpool.testing.TestDevices;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 5.6: property-based fuzzing with seeded generators (JUnit; see {@link PoolingHarness} for the
 * properties). 1,000 tries per run, each case pooled as avg, max with indices and max without on the
 * Java path, the OpenCL path and PyTorch, all against {@link Oracle#PYTORCH}. The seed is printed and
 * every failure names it; replay with {@code -Dclpool.test.seed=N}. Longer runs:
 * {@code -Dclpool.test.slow=true} (20,000 tries) or {@code -Dclpool.fuzz.tries=N}.
 */
class PoolingFuzzTest {
    static final int TRIES = Integer.getInteger("clpool.fuzz.tries", Slow.pick(1000, 20_000));

    @Test
    void theJavaPathOpenClAndPyTorchAgreeWithTheDefinitionOnGeneratedCases() {
        long seed = Seeds.seed("PoolingFuzzTest");
        PoolingHarness harness = new PoolingHarness(Oracle.PYTORCH, TestDevices.java(), TestDevices.openCl(), true);
        long start = System.nanoTime();
        PoolingHarness.Report report = harness.run(seed, TRIES, false);
        System.out.printf("[PoolingFuzzTest] %s: %d tries in %.1f s; %s%n", Seeds.describe(seed), report.tries(),
                (System.nanoTime() - start) / 1e9, report.counts());
        assertEquals(List.of(), report.failures().stream().limit(5).toList(),
                report.count("failed tries") + " of " + report.tries() + " tries failed");
        assertTrue(report.tries() >= 1000 || TRIES < 1000, "tries: " + report.tries());

        // The generator reached what it is meant to: every fill, every kind of axis, NaN in bins, 1x1 outputs.
        for (FuzzCase.Fill f : FuzzCase.Fill.values()) {
            assertTrue(report.count("fill " + f) > 0 || TRIES < 100, "no " + f + " case: " + report.counts());
        }
        if (TRIES >= 1000) {
            for (String kind : List.of("non-divisible axis", "divisible axis", "upsampling axis", "identity axis", "zero output",
                    "None axis", "1x1 output", "empty batch", "unbatched", "bins with NaN")) {
                assertTrue(report.count(kind) > 0, "no case with " + kind + ": " + report.counts());
            }
            assertEquals(report.tries(), report.count("compared with the Java path"));
            assertEquals(report.tries(), report.count("compared with the OpenCL path"));
            assertEquals(report.tries(), report.count("compared with PyTorch"));
        }
    }
}
