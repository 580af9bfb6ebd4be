package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.GoldenCases;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare} passes what agrees and exits 1, saying where, on anything that does not. */
class CompareCommandTest {
    @TempDir
    Path dir;

    @Test
    void openClAgreesWithTheJavaPath() {
        TestDevices.openCl();
        for (String mode : new String[] {"avg", "max"}) {
            Cli.Result r = Cli.run("compare", "--mode", mode, "--output-size", "7", "--input", Cli.archive(),
                    "--key", "nondiv_55x57_7__x").succeeds();
            assertTrue(r.out().contains("device:     OpenCL"), "the default device is OpenCL:\n" + r.out());
            assertTrue(r.out().contains("reference:  the Java path"), r.out());
            assertTrue(r.out().contains("shapes:     device [2, 3, 7, 7], reference [2, 3, 7, 7]"), r.out());
            assertTrue(r.out().contains("result:     OK"), r.out());
            assertEquals("", r.err());
        }
        Cli.Result max = Cli.run("compare", "--mode", "max", "--output-size", "5,4", "--input", Cli.archive(), "--key", "nan_mix__x");
        max.succeeds();
        assertTrue(max.out().contains("max values: 0 of 160 differ") && max.out().contains("indices:    0 of 160 differ"), max.out());
    }

    @Test
    void matchesPyTorchFilesIncludingNaNs() throws IOException {
        Path x = Cli.golden(dir, "nan_mix__x");
        Path max = Cli.golden(dir, "nan_mix__max");
        Path idx = Cli.golden(dir, "nan_mix__idx");
        Path avg = Cli.golden(dir, "nan_mix__avg");
        Cli.Result r = Cli.run("compare", "--mode", "max", "--output-size", "5,4", "--input", x.toString(),
                "--expected", max.toString(), "--expected-indices", idx.toString(), "--device", "cpu").succeeds();
        assertTrue(r.out().contains("max values: 0 of 160 differ (bit-exact, NaN = NaN)"), r.out());
        assertTrue(r.out().contains("indices:    0 of 160 differ"), r.out());
        Cli.Result a = Cli.run("compare", "--mode", "avg", "--output-size", "5,4", "--input", x.toString(),
                "--expected", avg.toString(), "--device", "cpu").succeeds();
        assertTrue(a.out().contains("averages:   0 of 160 outside atol 1e-5 + rtol 1.3e-6 * |reference|"), a.out());
    }

    @Test
    void aPerturbedAverageFailsWithExitOneAndSaysWhere() throws IOException {
        Path x = Cli.golden(dir, "seed_avg_5x7__x");
        Tensor avg = Npz.read(GoldenCases.ARCHIVE, "seed_avg_5x7__avg");
        float[] v = avg.floats();
        v[37] += 1e-3f; // element [0, 1, 0, 2]
        Path expected = dir.resolve("perturbed.npy");
        Npy.write(expected, avg);

        Cli.Result r = Cli.run("compare", "--mode", "avg", "--output-size", "5,7", "--input", x.toString(),
                "--expected", expected.toString(), "--device", "cpu");
        r.failsWithOneLine(ExitCodes.FAILED, "differs from", "1 of 2240 values outside tolerance");
        assertTrue(r.out().contains("averages:   1 of 2240 outside"), r.out());
        assertTrue(r.out().contains("first at [0, 1, 0, 2]"), r.out());
        assertTrue(r.out().contains("result:     DIFFERENT"), r.out());

        Cli.run("compare", "--mode", "avg", "--output-size", "5,7", "--input", x.toString(), "--expected", expected.toString(),
                "--device", "cpu", "--atol", "2e-3").succeeds();
    }

    @Test
    void anyMaxOrIndexDifferenceFails() throws IOException {
        Path x = Cli.golden(dir, "ties__x");
        Tensor max = Npz.read(GoldenCases.ARCHIVE, "ties__max");
        max.floats()[5] = Math.nextUp(max.floats()[5]); // one ulp: within any tolerance, but not bit-exact
        Path perturbedMax = dir.resolve("max.npy");
        Npy.write(perturbedMax, max);
        Tensor idx = Npz.read(GoldenCases.ARCHIVE, "ties__idx");
        idx.int64s()[0] += 1;
        Path perturbedIdx = dir.resolve("idx.npy");
        Npy.write(perturbedIdx, idx);

        Cli.run("compare", "--mode", "max", "--output-size", "4", "--input", x.toString(), "--expected", perturbedMax.toString(),
                "--device", "cpu").failsWithOneLine(ExitCodes.FAILED, "1 of 96 max values differ");
        Cli.run("compare", "--mode", "max", "--output-size", "4", "--input", x.toString(),
                "--expected", Cli.golden(dir, "ties__max").toString(), "--expected-indices", perturbedIdx.toString(),
                "--device", "cpu").failsWithOneLine(ExitCodes.FAILED, "1 of 96 indices differ");
    }

    @Test
    void aShapeMismatchFails() throws IOException {
        Path x = Cli.golden(dir, "seed_avg_7__x");
        Cli.Result r = Cli.run("compare", "--mode", "avg", "--output-size", "5,7", "--input", x.toString(),
                "--expected", Cli.golden(dir, "seed_avg_7__avg").toString(), "--device", "cpu");
        r.failsWithOneLine(ExitCodes.FAILED, "shapes differ");
        assertTrue(r.out().contains("device [1, 64, 5, 7], reference [1, 64, 7, 7]"), r.out());
    }
}
