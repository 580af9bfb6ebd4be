package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.GoldenCases;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code pool} reproduces PyTorch's golden outputs from NumPy files, on the Java path and on OpenCL. */
class PoolCommandTest {
    @TempDir
    Path dir;

    /** Golden cases with each output-size form: int, pair, none in either place, unbatched, NaN. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("seed_avg_5x7", "5,7"),
                Arguments.of("seed_avg_7", "7"),
                Arguments.of("seed_max_none_7", "none,7"),
                Arguments.of("opinfo_3", "5,none"),
                Arguments.of("unbatched_chw", "5,7"),
                Arguments.of("nan_mix", "5,4"),
                Arguments.of("seed_up_80x60", "80,60"));
    }

    @ParameterizedTest(name = "{0} on the Java path")
    @MethodSource("cases")
    void matchesPyTorchOnJava(String name, String spec) throws IOException {
        poolAndCheck(name, spec, "cpu");
    }

    @ParameterizedTest(name = "{0} on OpenCL")
    @MethodSource("cases")
    void matchesPyTorchOnOpenCl(String name, String spec) throws IOException {
        TestDevices.openCl(); // skips without OpenCL, fails in CI
        poolAndCheck(name, spec, "opencl");
    }

    private void poolAndCheck(String name, String spec, String device) throws IOException {
        Path avg = dir.resolve("avg.npy");
        Path max = dir.resolve("max.npy");
        Path idx = dir.resolve("idx.npy");
        String x = name + "__x";
        Cli.run("pool", "--mode", "avg", "--output-size", spec, "--input", Cli.archive(), "--key", x,
                "--output", avg.toString(), "--device", device).succeeds();
        Cli.Result r = Cli.run("pool", "--mode", "max", "--output-size", spec, "--input", Cli.archive(), "--key", x,
                "--output", max.toString(), "--indices", idx.toString(), "--device", device).succeeds();
        assertTrue(r.out().contains("adaptive_max_pool2d"), r.out());

        Tensor expectedAvg = Npz.read(GoldenCases.ARCHIVE, name + "__avg");
        Tensor actualAvg = Npy.read(avg);
        TensorAssert.assertClose(expectedAvg, actualAvg, name + " avg");
        TensorAssert.assertBitExact(Npz.read(GoldenCases.ARCHIVE, name + "__max"), Npy.read(max), name + " max");
        Tensor indices = Npy.read(idx);
        assertEquals(DType.INT64, indices.dtype());
        TensorAssert.assertSameIndices(Npz.read(GoldenCases.ARCHIVE, name + "__idx"), indices, name + " indices");
        assertEquals(Npz.read(GoldenCases.ARCHIVE, x).shape().rank(), actualAvg.shape().rank(), "the output keeps the input's rank");
    }

    @Test
    void readsAPlainNpyFileAndPrintsWhatItDid() throws IOException {
        Path in = Cli.golden(dir, "arange_5_to_3__x");
        Path out = dir.resolve("y.npy");
        Cli.Result r = Cli.run("pool", "--mode", "avg", "--output-size", "3", "--input", in.toString(),
                "--output", out.toString(), "--device", "java").succeeds();
        assertEquals("", r.err());
        assertTrue(r.out().contains("[1, 1, 5, 5]") && r.out().contains("[1, 1, 3, 3]") && r.out().contains("Java"), r.out());
        TensorAssert.assertClose(Npz.read(GoldenCases.ARCHIVE, "arange_5_to_3__avg"), Npy.read(out), "avg");
    }

    @Test
    void maxWithoutIndicesWritesOnlyValues() throws IOException {
        Path in = Cli.golden(dir, "ties__x");
        Cli.run("pool", "--mode", "max", "--output-size", "4", "--input", in.toString(), "--output",
                dir.resolve("m.npy").toString(), "--device", "cpu").succeeds();
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "the input and the values, nothing else");
        }
    }

    @Test
    void anEmptyBatchGivesAnEmptyOutput() throws IOException {
        Path in = dir.resolve("empty.npy");
        Npy.write(in, Tensor.of(new float[0], Shape.of(0, 3, 4, 4)));
        Path out = dir.resolve("y.npy");
        Cli.run("pool", "--mode", "avg", "--output-size", "2", "--input", in.toString(), "--output", out.toString(),
                "--device", "cpu").succeeds();
        assertEquals(Shape.of(0, 3, 2, 2), Npy.read(out).shape());
    }

    @Test
    void aFailedRunLeavesAnExistingOutputUntouchedAndNoTemporaryFile() throws IOException {
        Path in = Cli.golden(dir, "seed_avg_7__x");
        Path out = dir.resolve("y.npy");
        Files.writeString(out, "previous result");
        Cli.run("pool", "--mode", "avg", "--output-size", "7,7,7", "--input", in.toString(), "--output", out.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--output-size");
        Cli.run("pool", "--mode", "max", "--output-size", "7", "--input", in.toString(), "--output", out.toString(),
                "--indices", dir.resolve("missing-dir/i.npy").toString(), "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "missing-dir");
        assertEquals("previous result", Files.readString(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertArrayEquals(new Object[] {in.getFileName(), out.getFileName()},
                    files.map(Path::getFileName).sorted().toArray(), "no temporary or partial file left");
        }
    }

    @Test
    void replacesAnExistingOutputOnSuccess() throws IOException {
        Path in = Cli.golden(dir, "seed_avg_7__x");
        Path out = dir.resolve("y.npy");
        Files.writeString(out, "previous result");
        Cli.run("pool", "--mode", "avg", "--output-size", "7", "--input", in.toString(), "--output", out.toString(),
                "--device", "cpu").succeeds();
        assertEquals(Shape.of(1, 64, 7, 7), Npy.read(out).shape());
    }
}
