package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pool} with the input's dtype honoured ({@code <f2}, {@code <f8}, bfloat16 bits with
 * {@code --dtype bfloat16}) and {@code --layout nhwc}: outputs in the input's dtype and layout, equal to
 * the library's results; and every bad combination refused with exit 2 and one line.
 */
class PoolStorageCommandTest {
    @TempDir
    Path dir;

    static Tensor input(DType dtype, long... shape) {
        Random r = new Random(7);
        float[] v = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 17 == 0 ? Float.NaN : (float) r.nextGaussian() * 100;
        }
        return Tensor.of(v, shape).to(dtype);
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String device : new String[] {"cpu", "opencl"}) {
            for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64, DType.FLOAT32}) {
                for (String layout : new String[] {"nchw", "nhwc"}) {
                    all.add(Arguments.of(device, dtype, layout));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{1} {2} on {0}")
    @MethodSource("cases")
    void poolsInTheInputsDtypeAndLayout(String device, DType dtype, String layoutName) throws IOException {
        if (device.equals("opencl")) {
            TestDevices.openCl(); // skips without OpenCL, fails in CI
        }
        Layout layout = Layout.parse(layoutName);
        Tensor logical = input(dtype, 2, 5, 9, 7).toLayout(layout);
        Path in = dir.resolve("x.npy");
        Npy.write(in, logical); // NHWC: an (N, H, W, C) array
        Path avg = dir.resolve("avg.npy");
        Path max = dir.resolve("max.npy");
        Path idx = dir.resolve("idx.npy");
        List<String> common = new ArrayList<>(List.of("--input", in.toString(), "--device", device, "--layout", layoutName));
        if (dtype == DType.BFLOAT16) {
            common.addAll(List.of("--dtype", "bfloat16"));
        }
        List<String> a = new ArrayList<>(List.of("pool", "--mode", "avg", "--output-size", "4,3", "--output", avg.toString()));
        a.addAll(common);
        Cli.Result r = Cli.run(a.toArray(String[]::new)).succeeds();
        String physicalIn = layout == Layout.CHANNELS_LAST ? "[2, 9, 7, 5]" : "[2, 5, 9, 7]";
        String physicalOut = layout == Layout.CHANNELS_LAST ? "[2, 4, 3, 5]" : "[2, 5, 4, 3]";
        assertTrue(r.out().contains(physicalIn) && r.out().contains(physicalOut), r.out());
        assertTrue(dtype == DType.FLOAT32 || r.out().contains(dtype.toString()), r.out());
        List<String> m = new ArrayList<>(List.of("pool", "--mode", "max", "--output-size", "none,2", "--output", max.toString(),
                "--indices", idx.toString()));
        m.addAll(common);
        Cli.run(m.toArray(String[]::new)).succeeds();

        PoolResult expectedAvg = TestDevices.java().pool(logical, AdaptivePool.avg2d(OutputSize.of(4, 3)));
        PoolResult expectedMax = TestDevices.java().pool(logical, AdaptivePool.max2d(OutputSize.ofNullable(null, 2L), true));
        Tensor gotAvg = read(avg, dtype, layout);
        Tensor gotMax = read(max, dtype, layout);
        StorageAssert.assertBitExact(expectedAvg.values(), gotAvg, dtype + " " + layout + " avg on " + device);
        StorageAssert.assertBitExact(expectedMax.values(), gotMax, dtype + " " + layout + " max on " + device);
        Tensor gotIdx = Npy.read(idx);
        assertEquals(DType.INT64, gotIdx.dtype());
        assertEquals(expectedMax.indices().physicalShape(), gotIdx.shape(), "indices are written in the input's layout");
        assertArrayEquals(expectedMax.indices().int64s(), gotIdx.int64s());
        String header = new String(Files.readAllBytes(avg), 0, 64, StandardCharsets.ISO_8859_1);
        String descr = switch (dtype) {
            case FLOAT16 -> "<f2";
            case BFLOAT16 -> "<u2";
            case FLOAT64 -> "<f8";
            default -> "<f4";
        };
        assertTrue(header.contains("'descr': '" + descr + "'"), header);
    }

    /** A written output, seen as the logical tensor (an NHWC file is (N, OH, OW, C)). */
    static Tensor read(Path file, DType dtype, Layout layout) throws IOException {
        Tensor t = dtype == DType.BFLOAT16 ? Npy.readBFloat16(file) : Npy.read(file);
        assertEquals(dtype, t.dtype());
        return t.view(layout.logicalShape(t.shape()), layout);
    }

    @Test
    void nhwcFilesPoolAsTheirNchwTranspose() throws IOException {
        // The same data as an NCHW file and as an NHWC file: the outputs are each other's transposes.
        Tensor nchw = input(DType.FLOAT32, 1, 3, 6, 6);
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Npy.write(a, nchw);
        Npy.write(b, nchw.toLayout(Layout.CHANNELS_LAST));
        Path ya = dir.resolve("ya.npy");
        Path yb = dir.resolve("yb.npy");
        Cli.run("pool", "--mode", "avg", "--output-size", "4", "--input", a.toString(), "--output", ya.toString(), "--device", "cpu")
                .succeeds();
        Cli.run("pool", "--mode", "avg", "--output-size", "4", "--input", b.toString(), "--layout", "nhwc", "--output", yb.toString(),
                "--device", "cpu").succeeds();
        Tensor fromNhwc = Npy.read(yb);
        assertEquals(Shape.of(1, 4, 4, 3), fromNhwc.shape());
        assertArrayEquals(Npy.read(ya).floats(),
                fromNhwc.view(Shape.of(1, 3, 4, 4), Layout.CHANNELS_LAST).toLayout(Layout.CONTIGUOUS).floats());
    }

    @Test
    void explicitDtypesThatMatchTheFileAreAccepted() throws IOException {
        Path in = dir.resolve("h.npy");
        Npy.write(in, input(DType.FLOAT16, 1, 2, 4, 4));
        Path out = dir.resolve("y.npy");
        Cli.run("pool", "--mode", "avg", "--output-size", "2", "--input", in.toString(), "--dtype", "half", "--output",
                out.toString(), "--device", "cpu").succeeds();
        assertEquals(DType.FLOAT16, Npy.read(out).dtype());
    }

    // ---------------------------------------------------------------- refusals: exit 2, one line, no output

    private String[] pool(Path in, String... extra) {
        List<String> args = new ArrayList<>(List.of("pool", "--mode", "avg", "--output-size", "2", "--input", in.toString(),
                "--output", dir.resolve("out.npy").toString(), "--device", "cpu"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private void refused(String[] args, String... fragments) {
        Cli.Result r = Cli.run(args);
        r.failsWithOneLine(ExitCodes.BAD_INPUT, fragments);
        assertEquals("", r.out());
        assertFalse(Files.exists(dir.resolve("out.npy")), "no output written");
    }

    @Test
    void badDtypesAndLayoutsAreRefused() throws IOException {
        Path f32 = dir.resolve("f32.npy");
        Npy.write(f32, input(DType.FLOAT32, 1, 2, 4, 4));
        Path rank3 = dir.resolve("rank3.npy");
        Npy.write(rank3, input(DType.FLOAT16, 2, 4, 4));
        Path i64 = dir.resolve("i64.npy");
        Npy.write(i64, Tensor.ofInt64(new long[32], Shape.of(1, 2, 4, 4)));
        refused(pool(f32, "--layout", "hwc"), "--layout", "'hwc'", "nchw or nhwc");
        refused(pool(f32, "--dtype", "int8"), "--dtype", "'int8'");
        refused(pool(f32, "--dtype", "int64"), "--dtype", "'int64'");
        refused(pool(f32, "--dtype", "bfloat16"), "--dtype bfloat16", "float32", "'<u2'");
        refused(pool(f32, "--dtype", "float64"), "--dtype float64", "holds float32", "omit --dtype");
        refused(pool(f32, "--dtype", "float16"), "--dtype float16", "holds float32");
        refused(pool(rank3, "--layout", "nhwc"), "--layout nhwc", "4-d (N, H, W, C)", "[2, 4, 4]");
        refused(pool(i64), "dtype int64", "cannot be pooled");
        refused(pool(i64, "--layout", "nhwc"), "dtype int64");
    }
}
