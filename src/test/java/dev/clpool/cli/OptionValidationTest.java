package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.npy.NpzWriter;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line's checks at their edges, as units: the sizes and tolerances they accept and refuse, and
 * what their refusals name (the option, the file, the dtype's NumPy name, an archive's keys).
 */
class OptionValidationTest {
    @TempDir
    Path dir;

    /** {@code --chunk-size}: 1 byte up to the largest multiple a long holds, for each unit; one more is refused. */
    @Test
    void byteSizesRunFromOneToTheLargestTheirUnitAllows() {
        Converters.ByteSize size = new Converters.ByteSize();
        assertEquals(1L, size.convert("1"));
        assertEquals(Long.MAX_VALUE, size.convert(String.valueOf(Long.MAX_VALUE)));
        for (String unit : new String[] {"k", "m", "g"}) {
            int shift = unit.equals("k") ? 10 : unit.equals("m") ? 20 : 30;
            long most = Long.MAX_VALUE >> shift;
            assertEquals(most << shift, size.convert(most + unit.toUpperCase(Locale.ROOT)));
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> size.convert((most + 1) + unit));
            assertTrue(e.getMessage().contains("'" + (most + 1) + unit + "'"), e.getMessage());
        }
        assertThrows(TypeConversionException.class, () -> size.convert("0"));
    }

    @Test
    void inputSizesRangeFromOneToTheLargestArray() {
        int most = Integer.MAX_VALUE;
        assertEquals("1x1", new SpatialSize(1, 1).toString());
        assertEquals(most + "x" + most, new SpatialSize(most, most).toString());
        for (long[] bad : new long[][] {{0, 1}, {1, 0}, {most + 1L, 1}, {1, most + 1L}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpatialSize(bad[0], bad[1]));
            assertTrue(e.getMessage().startsWith("input size " + bad[0] + "," + bad[1] + ": both sizes must be from 1 to " + most),
                    e.getMessage());
        }
    }

    @Test
    void tolerancesAreFiniteAndAtLeastZero() {
        assertEquals("atol 0 + rtol 0 * |reference|", new Tolerance(0, 0).toString());
        for (double[] bad : new double[][] {{-1e-9, 0}, {0, -1e-9}, {Double.NaN, 0}, {0, Double.NaN},
            {Double.POSITIVE_INFINITY, 0}, {0, Double.POSITIVE_INFINITY}}) {
            assertThrows(IllegalArgumentException.class, () -> new Tolerance(bad[0], bad[1]), bad[0] + ", " + bad[1]);
        }
    }

    /** {@code |actual - reference| <= atol + rtol * |reference|}, the edge included; NaN and infinities only as themselves. */
    @Test
    void toleranceAcceptsUpToItsEdgeAndNaNOrInfinityOnlyAsThemselves() {
        Tolerance t = new Tolerance(0.5, 0.25);
        assertTrue(t.accepts(2f, 3f), "|1| = 0.5 + 0.25 * 2: on the edge");
        assertTrue(t.accepts(-2f, -1f), "the edge below");
        assertFalse(t.accepts(2f, 3.0001f), "past the edge");
        assertFalse(t.accepts(4f, 5.5001f), "the relative part grows with |reference|, not more");
        assertTrue(t.accepts(Float.NaN, Float.NaN));
        assertFalse(t.accepts(Float.NaN, 1f));
        assertFalse(t.accepts(1f, Float.NaN));
        float inf = Float.POSITIVE_INFINITY;
        assertTrue(t.accepts(inf, inf));
        assertFalse(t.accepts(inf, -inf));
        assertFalse(t.accepts(1f, inf));
        assertFalse(t.accepts(-inf, -Float.MAX_VALUE));
    }

    @Test
    void shapeRefusalsDropTheLibrarysParameterNameForTheOptions() {
        assertEquals("--input x.npy: boom", PoolOptions.badInput("x.npy", new IllegalArgumentException("input: boom")).getMessage());
        assertEquals("--input x.npy: outputSize 3", PoolOptions.badInput("x.npy", new IllegalArgumentException("outputSize 3"))
                .getMessage());
        assertEquals(Shape.of(2, 3, 4), PoolOptions.plan(Shape.of(2, 7, 9), AdaptivePool.avg2d(OutputSize.of(3, 4)), "x.npy").outputShape());
        assertEquals(2, PoolOptions.plan(Shape.of(2, 7, 9), PyramidPool.avg2d(1, 3), "x.npy").levels().size());
        BadInputException e = assertThrows(BadInputException.class,
                () -> PoolOptions.plan(Shape.of(7), AdaptivePool.avg2d(OutputSize.of(3)), "x.npy"));
        assertTrue(e.getMessage().startsWith("--input x.npy: adaptive_avg_pool2d expects a 3-d"), e.getMessage());
    }

    @Test
    void storageIsDescribedWhereItIsNotFloat32Nchw() throws IOException {
        Tensor planar = Tensor.of(new float[16], 1, 4, 2, 2);
        assertEquals("", described(planar, Layout.CONTIGUOUS));
        assertEquals(", float16", described(planar.to(DType.FLOAT16), Layout.CONTIGUOUS));
        assertEquals(", nhwc", described(planar, Layout.CHANNELS_LAST));
        assertEquals(", float64, nhwc", described(planar.to(DType.FLOAT64), Layout.CHANNELS_LAST));
    }

    /** What the summary line adds for a file holding {@code t}, read in {@code layout}. */
    private String described(Tensor t, Layout layout) throws IOException {
        Path file = dir.resolve("described.npy");
        Npy.write(file, t);
        try (InputFile f = TensorFiles.open(file, null, "--input", layout, false)) {
            return StorageOptions.describe(f);
        }
    }

    @Test
    void aFileOfAnotherDtypeIsRefusedNamingBothInNumPysTerms() throws IOException {
        Path doubles = dir.resolve("d.npy");
        Npy.write(doubles, Tensor.of(new double[] {1, 2}, 2));
        BadInputException e = assertThrows(BadInputException.class, () -> TensorFiles.open(doubles, null, DType.FLOAT32, "--input"));
        assertEquals("--input " + doubles + ": dtype float64 is not supported here; expected float32 ('<f4')", e.getMessage());
        e = assertThrows(BadInputException.class, () -> TensorFiles.open(doubles, null, DType.INT64, "--indices"));
        assertEquals("--indices " + doubles + ": dtype float64 is not supported here; expected int64 ('<i8')", e.getMessage());

        Path floats = dir.resolve("f.npy");
        Npy.write(floats, Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Cli.run("pool", "--mode", "avg", "--output-size", "1", "--input", floats.toString(), "--dtype", "float16",
                "--output", dir.resolve("y.npy").toString()).failsWithOneLine(ExitCodes.BAD_INPUT,
                "--dtype float16: --input " + floats + " holds float32 ('<f4'); omit --dtype");
        Path longs = dir.resolve("i.npy");
        Npy.write(longs, Tensor.ofInt64(new long[4], Shape.of(1, 1, 2, 2)));
        Cli.run("pool", "--mode", "avg", "--output-size", "1", "--input", longs.toString(),
                "--output", dir.resolve("y.npy").toString()).failsWithOneLine(ExitCodes.BAD_INPUT,
                "--input " + longs + ": dtype int64 cannot be pooled");
    }

    @Test
    void archivesAreReadByKeyAndAnArchiveWithoutOneListsItsKeys() throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("bits", Tensor.ofBFloat16(new short[] {0x3f80}, Shape.of(1)));
        Path small = dir.resolve("small.npz");
        NpzWriter.write(small, arrays);
        try (InputFile bits = TensorFiles.open(small, "bits", "--input", Layout.CONTIGUOUS, true)) {
            assertEquals(DType.BFLOAT16, bits.dtype());
        }
        assertEquals(small + ":bits", TensorFiles.name(small, "bits"));
        assertEquals(small.toString(), TensorFiles.name(small, null));

        for (int k = 1; k < 11; k++) {
            arrays.put("k" + k, Tensor.of(new float[1], 1));
        }
        Path ten = dir.resolve("ten.npz"); // bits and k1 ... k10: eleven arrays
        NpzWriter.write(ten, arrays);
        BadInputException e = assertThrows(BadInputException.class, () -> TensorFiles.open(ten, null, "--input", Layout.CONTIGUOUS, false));
        assertTrue(e.getMessage().endsWith("name one of its arrays with --key (it has bits, k1, k2, k3, k4, k5, k6, k7, k8, k9, ..."
                + " (11 in all))"), e.getMessage());
        arrays.remove("k10");
        NpzWriter.write(ten, arrays);
        e = assertThrows(BadInputException.class, () -> TensorFiles.open(ten, null, "--input", Layout.CONTIGUOUS, false));
        assertTrue(e.getMessage().endsWith("(it has bits, k1, k2, k3, k4, k5, k6, k7, k8, k9)"), e.getMessage());
        Path none = dir.resolve("none.npz");
        NpzWriter.write(none, Map.of());
        e = assertThrows(BadInputException.class, () -> TensorFiles.open(none, null, "--input", Layout.CONTIGUOUS, false));
        assertTrue(e.getMessage().endsWith("(it holds no arrays)"), e.getMessage());
    }

    @Test
    void aPyramidMustBeWrittenToAnArchive() throws IOException {
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.of(new float[16], 1, 1, 4, 4));
        Cli.run("pool", "--mode", "max", "--output-size", "1", "--output-size", "2", "--input", x.toString(),
                "--output", dir.resolve("y.npy").toString()).failsWithOneLine(ExitCodes.BAD_INPUT,
                "a pyramid (--output-size given 2 times) is written to an .npz archive");
    }
}
