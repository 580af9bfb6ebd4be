package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.TestDevices;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code demo} runs the explainer's examples and checks each against the Java path. */
class DemoCommandTest {
    private static final List<String> ROWS = List.of(
            "avg (5, 7)        [1, 64, 8, 9]   [1, 64, 5, 7]",
            "avg 7             [1, 64, 10, 9]  [1, 64, 7, 7]",
            "max (None, 7)     [1, 64, 10, 9]  [1, 64, 10, 7]",
            "max (80, 60)      [1, 64, 10, 9]  [1, 64, 80, 60]",
            "CIFAR avg (4, 4)  [8, 512, 4, 4]  [8, 512, 4, 4]",
            "CIFAR avg (2, 2)  [8, 512, 4, 4]  [8, 512, 2, 2]",
            "CIFAR avg (1, 1)  [8, 512, 4, 4]  [8, 512, 1, 1]");

    @Test
    void runsEveryExampleOnTheJavaPath() {
        Cli.Result r = Cli.run("demo", "--device", "cpu").succeeds();
        assertTrue(r.out().startsWith("clpool demo on Java"), r.out());
        assertTrue(r.out().contains("compared with itself"), r.out());
        for (String row : ROWS) {
            assertTrue(r.out().contains(row), "row " + row + " in:\n" + r.out());
        }
        assertTrue(r.out().contains("all 7 cases agree with the Java path"), r.out());
    }

    @Test
    void runsEveryExampleOnOpenClAndAgreesWithJava() {
        TestDevices.openCl();
        Cli.Result r = Cli.run("demo", "--device", "opencl").succeeds();
        assertTrue(r.out().startsWith("clpool demo on OpenCL: "), r.out());
        for (String row : ROWS) {
            assertTrue(r.out().contains(row), "row " + row + " in:\n" + r.out());
        }
        assertEquals(2, r.out().lines().filter(l -> l.contains(" ms ") && l.endsWith("equal")).count(), "both max cases' indices agree:\n" + r.out());
        assertTrue(r.out().contains("all 7 cases agree with the Java path"), r.out());
        assertEquals("", r.err());
    }
}
