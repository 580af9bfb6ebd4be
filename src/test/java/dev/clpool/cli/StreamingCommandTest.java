package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TestDevices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands stream their files: {@code --chunk-size 1} (one plane a chunk, less than a plane asked) gives the
 * bytes of one chunk for the whole file, for pool (every dtype and layout), pyramids, compare and backward;
 * {@code .npz} members stream, stored or deflated; a deflated member corrupt midway is bad input with no output
 * left; and what a chunked comparison or backward pass reports points at the element in the whole file.
 */
class StreamingCommandTest {
    @TempDir
    Path dir;

    /** Finite values (so that averages' bytes are reproducible), with ties and -0. */
    static Tensor finite(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 11 == 0 ? -0f : i % 7 == 0 ? 2f : (float) r.nextGaussian() * 50;
        }
        return Tensor.of(v, shape);
    }

    /** {@code args}, then {@code common}. */
    static String[] with(List<String> common, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return all.toArray(String[]::new);
    }

    void assertSameBytes(Path expected, Path actual) throws IOException {
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual + " vs " + expected);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"cpu", "opencl"})
    void poolGivesTheSameBytesInChunksOfOnePlane(String device) throws IOException {
        if (device.equals("opencl")) {
            TestDevices.openCl(); // skips without OpenCL, fails in CI
        }
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64}) {
            for (String layout : new String[] {"nchw", "nhwc"}) {
                Path in = dir.resolve("x.npy");
                Npy.write(in, finite(3, 2, 6, 9, 7).to(dtype).toLayout(Layout.parse(layout)));
                List<String> common = new ArrayList<>(List.of("--input", in.toString(), "--layout", layout, "--device", device));
                if (dtype == DType.BFLOAT16) {
                    common.addAll(List.of("--dtype", "bfloat16"));
                }
                for (String chunk : new String[] {"1", "1g"}) {
                    Cli.run(with(common, "pool", "--mode", "avg", "--output-size", "4,3", "--output", dir.resolve("avg" + chunk + ".npy").toString(),
                            "--chunk-size", chunk)).succeeds();
                    Cli.run(with(common, "pool", "--mode", "max", "--output-size", "5", "--output", dir.resolve("max" + chunk + ".npy").toString(),
                            "--indices", dir.resolve("idx" + chunk + ".npy").toString(), "--chunk-size", chunk)).succeeds();
                }
                for (String name : new String[] {"avg", "max", "idx"}) {
                    assertSameBytes(dir.resolve(name + "1g.npy"), dir.resolve(name + "1.npy"));
                }
            }
        }
    }

    @Test
    void pyramidsStreamTheirInput() throws IOException {
        Path in = dir.resolve("x.npy");
        Npy.write(in, finite(4, 2, 5, 12, 12));
        for (String chunk : new String[] {"1", "64m"}) {
            Cli.run("pool", "--mode", "max", "--output-size", "1", "--output-size", "2", "--output-size", "3,none", "--input",
                    in.toString(), "--output", dir.resolve("p" + chunk + ".npz").toString(), "--indices",
                    dir.resolve("i" + chunk + ".npz").toString(), "--device", "cpu", "--chunk-size", chunk).succeeds();
        }
        for (String key : Npz.keys(dir.resolve("p64m.npz"))) {
            assertArrayEquals(Npz.read(dir.resolve("p64m.npz"), key).floats(), Npz.read(dir.resolve("p1.npz"), key).floats(), key);
            assertArrayEquals(Npz.read(dir.resolve("i64m.npz"), key).int64s(), Npz.read(dir.resolve("i1.npz"), key).int64s(), key);
        }
    }

    @Test
    void npzMembersStreamStoredOrDeflated() throws IOException {
        Path numpy = Path.of("test-data", "numpy-savez.npz");
        Path deflated = dir.resolve("deflated.npz");
        Tensor x = finite(5, 2, 3, 8, 8);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(deflated))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(Npy.toBytes(x));
            zip.closeEntry();
        }
        for (Path archive : new Path[] {numpy, deflated}) {
            Path y = dir.resolve("y.npy");
            Path idx = dir.resolve("i.npy");
            Cli.run("pool", "--mode", "max", "--output-size", "3", "--input", archive.toString(), "--key", "x", "--output",
                    y.toString(), "--indices", idx.toString(), "--device", "cpu", "--chunk-size", "1").succeeds();
            PoolResult expected = TestDevices.java().pool(Npz.read(archive, "x"), AdaptivePool.max2d(OutputSize.of(3), true));
            assertEquals(Arrays.toString(expected.values().floats()), Arrays.toString(Npy.read(y).floats()), archive.toString());
            assertArrayEquals(expected.indices().int64s(), Npy.read(idx).int64s(), archive.toString());
        }
    }

    @Test
    void aDeflatedMemberCorruptMidwayIsBadInputAndLeavesNoOutput() throws IOException {
        float[] pattern = new float[64 * 32 * 32];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = i % 13 * 0.25f; // compressible: Huffman-coded blocks, which corruption breaks
        }
        Path archive = dir.resolve("bad.npz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(Npy.toBytes(Tensor.of(pattern, 1, 64, 32, 32)));
            zip.closeEntry();
        }
        byte[] b = bytes.toByteArray();
        Files.write(archive, b);
        long compressed;
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            compressed = zip.getEntry("x.npy").getCompressedSize();
        }
        int data = 30 + "x.npy".length();
        Arrays.fill(b, data + (int) (compressed * 3 / 4), data + (int) (compressed * 7 / 8), (byte) 0xff);
        Files.write(archive, b);
        Path out = dir.resolve("y.npy");
        Cli.run("pool", "--mode", "avg", "--output-size", "2", "--input", archive.toString(), "--key", "x", "--output",
                out.toString(), "--device", "cpu", "--chunk-size", "4k").failsWithOneLine(ExitCodes.BAD_INPUT,
                "--input " + archive + ":x: "); // corrupt compressed data, or data inflated to less than it declares
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(archive), files.toList(), "no output, no temporary file");
        }
    }

    @Test
    void aChunkedComparisonPointsAtTheElementInTheWholeFile() throws IOException {
        Path x = dir.resolve("x.npy");
        Tensor input = finite(6, 1, 64, 8, 9);
        Npy.write(x, input);
        Tensor avg = TestDevices.java().pool(input, AdaptivePool.avg2d(OutputSize.of(5, 7))).values();
        avg.floats()[(40 * 5 + 2) * 7 + 3] += 1e-3f; // element [0, 40, 2, 3], in the 41st chunk of one plane
        Path expected = dir.resolve("expected.npy");
        Npy.write(expected, avg);
        Cli.Result r = Cli.run("compare", "--mode", "avg", "--output-size", "5,7", "--input", x.toString(), "--expected",
                expected.toString(), "--device", "cpu", "--chunk-size", "1");
        r.failsWithOneLine(ExitCodes.FAILED, "1 of 2240 values outside tolerance");
        assertTrue(r.out().contains("first at [0, 40, 2, 3]"), r.out());
        Cli.run("compare", "--mode", "max", "--output-size", "3", "--input", x.toString(), "--device", "cpu", "--chunk-size", "1")
                .succeeds();
    }

    @Test
    void backwardGivesTheSameBytesInChunksAndNamesABadIndexInTheWholeFile() throws IOException {
        Path x = dir.resolve("x.npy");
        Tensor input = finite(7, 2, 4, 10, 9);
        Npy.write(x, input);
        AdaptivePool max = AdaptivePool.max2d(OutputSize.of(4, 3), true);
        PoolResult forward = TestDevices.java().pool(input, max);
        Path g = dir.resolve("g.npy");
        Path idx = dir.resolve("i.npy");
        Npy.write(g, finite(8, 2, 4, 4, 3));
        Npy.write(idx, forward.indices());
        for (String chunk : new String[] {"1", "1g"}) {
            Cli.run("backward", "--mode", "avg", "--input-shape", "2,4,10,9", "--grad", g.toString(), "--output",
                    dir.resolve("avg" + chunk + ".npy").toString(), "--device", "cpu", "--chunk-size", chunk).succeeds();
            Cli.run("backward", "--mode", "max", "--input-shape", "2,4,10,9", "--grad", g.toString(), "--indices", idx.toString(),
                    "--output", dir.resolve("max" + chunk + ".npy").toString(), "--device", "cpu", "--chunk-size", chunk).succeeds();
            Cli.run("backward", "--mode", "max", "--input", x.toString(), "--grad", g.toString(), "--output",
                    dir.resolve("fromInput" + chunk + ".npy").toString(), "--device", "cpu", "--chunk-size", chunk).succeeds();
        }
        for (String name : new String[] {"avg", "max", "fromInput"}) {
            assertSameBytes(dir.resolve(name + "1g.npy"), dir.resolve(name + "1.npy"));
        }
        assertSameBytes(dir.resolve("max1.npy"), dir.resolve("fromInput1.npy"));

        long[] bad = forward.indices().int64s().clone();
        bad[5 * 12 + 4] = 89; // plane 5, cell 4: the last input cell, outside that cell's bin
        Npy.write(idx, Tensor.ofInt64(bad, forward.indices().shape()));
        Cli.run("backward", "--mode", "max", "--input-shape", "2,4,10,9", "--grad", g.toString(), "--indices", idx.toString(),
                "--output", dir.resolve("bad.npy").toString(), "--device", "cpu", "--chunk-size", "1")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--indices " + idx + ": element 64 is 89, outside the bin");
        assertTrue(Files.notExists(dir.resolve("bad.npy")));
    }

    @Test
    void aBadChunkSizeIsRefused() throws IOException {
        Path x = dir.resolve("x.npy");
        Npy.write(x, finite(9, 1, 1, 4, 4));
        for (String size : new String[] {"0", "-1", "12q", "99999999999g"}) {
            Cli.run("pool", "--mode", "avg", "--output-size", "2", "--input", x.toString(), "--output", dir.resolve("y.npy").toString(),
                    "--chunk-size", size).failsWithOneLine(ExitCodes.BAD_INPUT, "--chunk-size", "'" + size + "'");
        }
    }
}
