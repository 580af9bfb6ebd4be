package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line of 1-d and 3-d pooling ({@code pool --dims}), pyramids ({@code pool} with several
 * {@code --output-size}, written to {@code .npz}) and backward passes ({@code backward}): the files
 * hold what the API computes, on the Java path and on OpenCL, and bad arguments exit 2 with one line.
 */
class ShapesOpsCommandTest {
    @TempDir
    Path dir;

    private Path write(String name, Tensor t) throws IOException {
        Path file = dir.resolve(name);
        Npy.write(file, t);
        return file;
    }

    private static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(7) == 0 ? r.nextInt(3) : (float) r.nextGaussian();
        }
        return Tensor.of(x, shape);
    }

    private static void requireDevice(String device) {
        if (device.equals("opencl")) {
            TestDevices.openCl(); // skips without OpenCL, fails in CI
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"cpu", "opencl"})
    void dims1And3PoolAsTheApi(String device) throws IOException {
        requireDevice(device);
        Clpool java = TestDevices.java();
        Tensor signal = random(1, 2, 3, 50);
        Tensor volume = random(2, 3, 5, 6, 7);
        Path y = dir.resolve("y.npy");
        Path i = dir.resolve("i.npy");
        Cli.Result r = Cli.run("pool", "--mode", "max", "--dims", "1", "--output-size", "7", "--input", write("s.npy", signal).toString(),
                "--output", y.toString(), "--indices", i.toString(), "--device", device).succeeds();
        assertTrue(r.out().startsWith("adaptive_max_pool1d(output_size=7, return_indices=True)"), r.out());
        PoolResult expected = java.adaptiveMaxPool1d(signal, OutputSize.of(7));
        TensorAssert.assertBitExact(expected.values(), Npy.read(y), "1-d max");
        TensorAssert.assertSameIndices(expected.indices(), Npy.read(i), "1-d indices");

        Cli.run("pool", "--mode", "avg", "--dims", "3", "--output-size", "none,4,3", "--input", write("v.npy", volume).toString(),
                "--output", y.toString(), "--device", device).succeeds();
        TensorAssert.assertBitExact(java.adaptiveAvgPool3d(volume, OutputSize.ofNullable(null, 4L, 3L)), Npy.read(y), "3-d avg");
        // compare takes --dims too.
        Cli.run("compare", "--mode", "max", "--dims", "3", "--output-size", "2", "--input", dir.resolve("v.npy").toString(),
                "--device", device.equals("cpu") ? "java" : device).succeeds();
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"cpu", "opencl"})
    void aPyramidIsWrittenAsArchivesOfLevels(String device) throws IOException {
        requireDevice(device);
        Clpool java = TestDevices.java();
        Tensor x = random(3, 2, 4, 13, 11);
        Path in = write("x.npy", x);
        Path out = dir.resolve("p.npz");
        Path idx = dir.resolve("pi.npz");
        Cli.Result r = Cli.run("pool", "--mode", "max", "--output-size", "1", "--output-size", "2", "--output-size", "none,3",
                "--output-size", "6", "--input", in.toString(), "--output", out.toString(), "--indices", idx.toString(),
                "--device", device).succeeds();
        assertTrue(r.out().contains("level3 [2, 4, 6, 6]"), r.out());
        assertEquals(List.of("level0", "level1", "level2", "level3"), Npz.keys(out));
        assertEquals(List.of("level0", "level1", "level2", "level3"), Npz.keys(idx));
        String[] sizes = {"1", "2", "none,3", "6"};
        for (int l = 0; l < sizes.length; l++) {
            PoolResult alone = java.pool(x, AdaptivePool.max2d(OutputSize.parse(sizes[l]), true));
            TensorAssert.assertBitExact(alone.values(), Npz.read(out, "level" + l), "level " + l);
            TensorAssert.assertSameIndices(alone.indices(), Npz.read(idx, "level" + l), "level " + l + " indices");
        }
        // One size and an .npz output: an archive of one level.
        Cli.run("pool", "--mode", "avg", "--output-size", "3", "--input", in.toString(), "--output", out.toString(),
                "--device", device).succeeds();
        assertEquals(List.of("level0"), Npz.keys(out));
        TensorAssert.assertBitExact(java.adaptiveAvgPool2d(x, OutputSize.of(3)), Npz.read(out, "level0"), "one level");
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"cpu", "opencl"})
    void backwardWritesTheApisGradient(String device) throws IOException {
        requireDevice(device);
        Clpool java = TestDevices.java();
        Tensor x = random(4, 2, 3, 10, 9);
        Tensor g = random(5, 2, 3, 4, 6);
        Path in = write("x.npy", x);
        Path grad = write("g.npy", g);
        Path out = dir.resolve("dx.npy");
        Cli.Result r = Cli.run("backward", "--mode", "avg", "--input-shape", "2,3,10,9", "--grad", grad.toString(), "--output",
                out.toString(), "--device", device).succeeds();
        assertTrue(r.out().startsWith("adaptive_avg_pool2d backward: ") && r.out().contains("[2, 3, 10, 9]"), r.out());
        Tensor expected = java.adaptiveAvgPool2dBackward(g, x.shape());
        TensorAssert.assertBitExact(expected, Npy.read(out), "avg backward");

        // Max, from the forward pass's indices, or from the input (indices computed on the way).
        PoolResult forward = java.pool(x, AdaptivePool.max2d(OutputSize.of(4, 6), true));
        Path idx = write("i.npy", forward.indices());
        Tensor expectedMax = java.adaptiveMaxPool2dBackward(g, x.shape(), forward.indices());
        Cli.run("backward", "--mode", "max", "--input-shape", "2,3,10,9", "--grad", grad.toString(), "--indices", idx.toString(),
                "--output", out.toString(), "--device", device).succeeds();
        TensorAssert.assertBitExact(expectedMax, Npy.read(out), "max backward from indices");
        r = Cli.run("backward", "--mode", "max", "--input", in.toString(), "--grad", grad.toString(), "--output-size", "4,6",
                "--output", out.toString(), "--device", device).succeeds();
        assertTrue(r.out().contains("indices from"), r.out());
        TensorAssert.assertBitExact(expectedMax, Npy.read(out), "max backward from the input");

        // 1-d and 3-d.
        Tensor g1 = random(6, 3, 4);
        Cli.run("backward", "--mode", "avg", "--dims", "1", "--input-shape", "3,11", "--grad", write("g1.npy", g1).toString(),
                "--output", out.toString(), "--device", device).succeeds();
        TensorAssert.assertBitExact(java.backward(AdaptivePool.avg1d(OutputSize.of(4)), Shape.of(3, 11), g1), Npy.read(out), "1-d");
        Tensor g3 = random(7, 1, 2, 3, 2, 5);
        Cli.run("backward", "--mode", "avg", "--dims", "3", "--input-shape", "1,2,5,5,5", "--grad", write("g3.npy", g3).toString(),
                "--output", out.toString(), "--device", device).succeeds();
        TensorAssert.assertBitExact(java.backward(AdaptivePool.avg3d(OutputSize.of(3, 2, 5)), Shape.of(1, 2, 5, 5, 5), g3),
                Npy.read(out), "3-d");
    }

    @Test
    void badArgumentsExitTwoWithOneLine() throws IOException {
        Path in = write("x.npy", random(8, 1, 2, 6, 6));
        Path grad = write("g.npy", random(9, 1, 2, 3, 3));
        Path idx = write("i.npy", Tensor.ofInt64(new long[18], Shape.of(1, 2, 3, 3)));
        String x = in.toString();
        String y = dir.resolve("y.npy").toString();
        String z = dir.resolve("y.npz").toString();
        Cli.run("pool", "--mode", "avg", "--output-size", "1", "--output-size", "2", "--input", x, "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--output", ".npz");
        Cli.run("pool", "--mode", "max", "--output-size", "1", "--output-size", "2", "--input", x, "--output", z, "--indices", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--indices", ".npz");
        Cli.run("pool", "--mode", "avg", "--dims", "3", "--output-size", "2,2", "--input", x, "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "expected 1 or 3 sizes for 3-d pooling");
        Cli.run("pool", "--mode", "avg", "--dims", "1", "--output-size", "2,2", "--input", x, "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "expected 1 size for 1-d pooling");
        Cli.run("pool", "--mode", "avg", "--dims", "4", "--output-size", "2", "--input", x, "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--dims", "4");
        Cli.run("pool", "--mode", "avg", "--output-size", "1,2,3,4", "--input", x, "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "expected 1 to 3 sizes");
        String flat = write("s.npy", random(11, 2, 6, 6)).toString();
        Cli.run("pool", "--mode", "avg", "--dims", "3", "--output-size", "2", "--input", flat, "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "adaptive_avg_pool3d", "(N, C, D, H, W)");
        Cli.run("compare", "--mode", "avg", "--output-size", "1", "--output-size", "2", "--input", x)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--output-size", "only pool");
        Cli.run("backward", "--mode", "max", "--input-shape", "1,2,6,6", "--grad", grad.toString(), "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--indices");
        Cli.run("backward", "--mode", "avg", "--input-shape", "1,2,6,6", "--grad", grad.toString(), "--indices", idx.toString(),
                "--output", y).failsWithOneLine(ExitCodes.BAD_INPUT, "--indices needs --mode max");
        Cli.run("backward", "--mode", "avg", "--input-shape", "1,2,6,6", "--grad", grad.toString(), "--output-size", "3,4",
                "--output", y).failsWithOneLine(ExitCodes.BAD_INPUT, "--grad", "[1, 2, 3, 4]");
        Cli.run("backward", "--mode", "avg", "--input-shape", "1,2,6,x", "--grad", grad.toString(), "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--input-shape");
        Cli.run("backward", "--mode", "avg", "--grad", grad.toString(), "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--input-shape");
        Cli.run("backward", "--mode", "avg", "--input-shape", "1,2,0,6", "--grad", grad.toString(), "--output", y)
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--input-shape", "empty");
        Cli.run("backward", "--mode", "max", "--input-shape", "1,2,6,6", "--grad", grad.toString(), "--indices", in.toString(),
                "--output", y).failsWithOneLine(ExitCodes.BAD_INPUT, "--indices", "int64");
        // Index 0 for every cell: outside the bins of all but the first cell of each plane.
        Cli.run("backward", "--mode", "max", "--input-shape", "1,2,6,6", "--grad", grad.toString(), "--indices", idx.toString(),
                "--output", y).failsWithOneLine(ExitCodes.BAD_INPUT, "--indices", "element 1 is 0, outside the bin");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(4, files.count(), "no output and no temporary file left");
        }
    }

    @Test
    void helpListsTheNewCommandAndOptions() {
        assertTrue(Cli.run("--help").succeeds().out().contains("backward"));
        String pool = Cli.run("pool", "--help").succeeds().out();
        assertTrue(pool.contains("--dims") && pool.contains("level0"), pool);
        assertTrue(Cli.run("backward", "--help").succeeds().out().contains("--input-shape"));
    }

    @Test
    void benchTimesBackwardPassesAndRefusesWhatItCannotDo() {
        Cli.Result r = Cli.run("bench", "--op", "backward", "--shape", "1,2,8,8", "--output-size", "3", "--device", "cpu",
                "--runs", "1").succeeds();
        assertTrue(r.out().contains("backward [1,2,8,8]->3x3") && r.out().contains("forward"), r.out());
        Cli.run("bench", "--op", "pyramid", "--shape", "1,2,8,8", "--output-size", "3", "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--op pyramid", "--suite");
        Cli.run("bench", "--op", "backward", "--svg", dir.resolve("b.svg").toString(), "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--svg");
        Cli.run("bench", "--op", "forward", "--device", "cpu").failsWithOneLine(ExitCodes.BAD_INPUT, "--op", "'forward'");
    }
}
