package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenCL path against the Java reference path, on random shapes and hostile values (NaN, infinities,
 * signed zeros, subnormals, magnitudes that overflow when summed, ties, all -inf and all NaN planes):
 * max values bit-exact and indices identical. Averages are also bit-identical on a device that builds
 * with {@code -cl-fp32-correctly-rounded-divide-sqrt} (PoCL does, and so do NVIDIA's drivers): both
 * paths sum in float32 in the same row-major order and divide by D, H, W in turn, and without
 * {@code -cl-fast-relaxed-math} the compiler may not reorder the sum. On a device without correctly
 * rounded division, averages are compared within PyTorch's tolerance instead.
 *
 * <p>Then PyTorch's max rule, by hand, on both paths: NaN wins and the index ends on the LAST NaN of the
 * bin; ties keep the FIRST element; +0 after -0 keeps -0; an all -inf bin gives -inf at its first index.
 * These are exactly the cases that {@code fmax} or {@code >=} would get wrong.
 */
class OpenClVsJavaTest {
    static final int CASES = 250;
    static long seed;

    @BeforeAll
    static void seed() {
        seed = Seeds.seed("OpenClVsJavaTest");
    }

    enum Fill { NORMAL, HOSTILE, TIES, ALL_NEG_INF, ALL_NAN, HUGE }

    static final float[] HOSTILE = {Float.NaN, Float.intBitsToFloat(0xffc00001), Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MIN_NORMAL / 5,
        -Float.MIN_NORMAL / 3, Float.MAX_VALUE, -Float.MAX_VALUE, 3e38f, -2.5e38f, 1e-30f, 16777217f, 1f, -1f};

    static float value(Random r, Fill fill) {
        return switch (fill) {
            case NORMAL -> (float) r.nextGaussian() * 10;
            case HOSTILE -> r.nextBoolean() ? HOSTILE[r.nextInt(HOSTILE.length)] : (float) r.nextGaussian();
            case TIES -> r.nextInt(3) - 1 + (r.nextBoolean() ? 0f : -0f);
            case ALL_NEG_INF -> Float.NEGATIVE_INFINITY;
            case ALL_NAN -> r.nextBoolean() ? Float.NaN : Float.intBitsToFloat(0x7f800001 + r.nextInt(1000));
            case HUGE -> (r.nextBoolean() ? 1 : -1) * Float.MAX_VALUE * (0.5f + r.nextFloat() / 2);
        };
    }

    /** Whether the OpenCL device was built with correctly rounded division, as DeviceInfo reports. */
    static boolean correctlyRoundedDivide(Clpool cl) {
        for (DeviceInfo d : OpenClDevices.list()) {
            if (cl.device().equals("OpenCL: " + d.describe())) {
                return d.correctlyRoundedDivide();
            }
        }
        throw new AssertionError("the OpenCL device " + cl.device() + " is not among " + OpenClDevices.list());
    }

    @Test
    void randomShapesAndHostileValuesAgree() {
        Clpool cl = TestDevices.openCl();
        Clpool java = TestDevices.java();
        boolean exactAvg = correctlyRoundedDivide(cl);
        System.out.println("[OpenClVsJavaTest] " + cl.device() + ": averages compared "
                + (exactAvg ? "bit for bit (correctly rounded division)" : "within atol 1e-5, rtol 1.3e-6"));
        Random r = new Random(seed);
        int nonFiniteAvgs = 0;
        for (int k = 0; k < CASES; k++) {
            boolean batched = r.nextInt(4) != 0;
            long c = 1 + r.nextInt(4);
            long h = 1 + r.nextInt(r.nextInt(5) == 0 ? 64 : 16);
            long w = 1 + r.nextInt(r.nextInt(5) == 0 ? 64 : 16);
            long[] shape = batched ? new long[] {1 + r.nextInt(2), c, h, w} : new long[] {c, h, w};
            Long oh = r.nextInt(8) == 0 ? null : (long) 1 + r.nextInt((int) h + 6);
            Long ow = r.nextInt(8) == 0 ? null : (long) 1 + r.nextInt((int) w + 6);
            Fill fill = Fill.values()[r.nextInt(Fill.values().length)];
            float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
            for (int i = 0; i < x.length; i++) {
                x[i] = value(r, fill);
            }
            Tensor input = Tensor.of(x, shape);
            OutputSize size = OutputSize.ofNullable(oh, ow);
            String what = Seeds.describe(seed) + ", case " + k + ": input shape " + Arrays.toString(shape)
                    + ", output size " + size + ", " + fill + " values";

            PoolResult jm = java.adaptiveMaxPool2d(input, size);
            PoolResult cm = cl.adaptiveMaxPool2d(input, size);
            TensorAssert.assertBitExact(jm.values(), cm.values(), what + ", max values");
            TensorAssert.assertSameIndices(jm.indices(), cm.indices(), what);
            Tensor valuesOnly = cl.pool(input, AdaptivePool.max2d(size, false)).values();
            TensorAssert.assertBitExact(jm.values(), valuesOnly, what + ", max values without indices");

            Tensor ja = java.adaptiveAvgPool2d(input, size);
            Tensor ca = cl.adaptiveAvgPool2d(input, size);
            if (exactAvg) {
                TensorAssert.assertBitExact(ja, ca, what + ", avg (bit-identical expected: correctly rounded division)");
            } else {
                TensorAssert.assertClose(ja, ca, what + ", avg");
            }
            for (float v : ja.floats()) {
                nonFiniteAvgs += Float.isFinite(v) ? 0 : 1;
            }
        }
        assertTrue(nonFiniteAvgs > 0, "no case produced a NaN or infinite average: the hostile values are not reaching the sums");
    }

    @Test
    void concurrentCallsOnOneEngineAgreeWithSequentialOnes() throws Exception {
        // Clpool promises that one instance may be used from several threads at once.
        Clpool cl = TestDevices.openCl();
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ 0x5eed);
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            long[] shape = {1 + r.nextInt(3), 2 + r.nextInt(20), 2 + r.nextInt(20)};
            float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
            for (int j = 0; j < x.length; j++) {
                x[j] = value(r, Fill.HOSTILE);
            }
            inputs.add(Tensor.of(x, shape));
        }
        OutputSize size = OutputSize.of(3, 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PoolResult>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Tensor t : inputs) {
                    futures.add(pool.submit(() -> cl.adaptiveMaxPool2d(t, size)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                Tensor t = inputs.get(i % inputs.size());
                PoolResult expected = java.adaptiveMaxPool2d(t, size);
                PoolResult actual = futures.get(i).get();
                String what = Seeds.describe(seed) + ", concurrent call " + i + " on " + t;
                TensorAssert.assertBitExact(expected.values(), actual.values(), what);
                TensorAssert.assertSameIndices(expected.indices(), actual.indices(), what);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- the max rule, by hand, on both paths

    static final float NAN = Float.NaN;
    static final float INF = Float.POSITIVE_INFINITY;

    /** Max-pools a row {@code (1, 1, 1, L)} to {@code (1, bins)}; returns values and indices. */
    static PoolResult maxRow(Clpool clpool, int bins, float... row) {
        return clpool.adaptiveMaxPool2d(Tensor.of(row.clone(), 1, 1, 1, row.length), OutputSize.of(1, bins));
    }

    static void assertMax(PoolResult r, float[] values, long[] indices, String what) {
        float[] v = r.values().floats();
        long[] i = r.indices().int64s();
        assertEquals(values.length, v.length, what);
        for (int k = 0; k < v.length; k++) {
            boolean same = Float.isNaN(values[k]) ? Float.isNaN(v[k])
                    : Float.floatToRawIntBits(values[k]) == Float.floatToRawIntBits(v[k]);
            assertTrue(same, what + ": value " + k + " is " + v[k] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(v[k]))
                    + "), expected " + values[k]);
        }
        assertEquals(Arrays.toString(indices), Arrays.toString(i), what + ": indices");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void nanWinsAndTheIndexEndsOnTheLastNaN(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        assertMax(maxRow(c, 1, 1, NAN, 3, NAN, 2), new float[] {NAN}, new long[] {3}, "1 NaN 3 NaN 2");
        assertMax(maxRow(c, 1, NAN, 7), new float[] {NAN}, new long[] {0}, "a larger value after NaN does not replace it");
        assertMax(maxRow(c, 1, 7, NAN), new float[] {NAN}, new long[] {1}, "NaN after a larger value replaces it");
        assertMax(maxRow(c, 1, INF, NAN, INF), new float[] {NAN}, new long[] {1}, "NaN beats +inf");
        assertMax(maxRow(c, 1, NAN, NAN, NAN), new float[] {NAN}, new long[] {2}, "all NaN: the last");
        assertMax(maxRow(c, 1, -INF, NAN, -INF), new float[] {NAN}, new long[] {1}, "NaN among -inf");
        float negativeNaN = Float.intBitsToFloat(0xffc00001);
        assertMax(maxRow(c, 1, NAN, 1, negativeNaN, 0), new float[] {NAN}, new long[] {2}, "any NaN counts");
        // Overlapping bins, 5 -> 3: [0,2) [1,4) [3,5).
        assertMax(maxRow(c, 3, 1, NAN, 3, 4, NAN), new float[] {NAN, NAN, NAN}, new long[] {1, 1, 4}, "overlapping bins");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void tiesKeepTheFirstAndSignedZerosKeepTheFirstZero(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        assertMax(maxRow(c, 1, 5, 1, 5, 2), new float[] {5}, new long[] {0}, "5 1 5 2");
        assertMax(maxRow(c, 1, 1, 5, 5, 5), new float[] {5}, new long[] {1}, "1 5 5 5");
        assertMax(maxRow(c, 1, -0f, 0f), new float[] {-0f}, new long[] {0}, "+0 after -0 keeps -0");
        assertMax(maxRow(c, 1, 0f, -0f), new float[] {0f}, new long[] {0}, "-0 after +0 keeps +0");
        assertMax(maxRow(c, 1, -1, -0f, 0f, -0f), new float[] {-0f}, new long[] {1}, "the first zero, -0");
        assertMax(maxRow(c, 1, INF, INF), new float[] {INF}, new long[] {0}, "+inf ties");
        // 10 -> 7 bins overlap: [0,2) [1,3) [2,5) [4,6) [5,8) [7,9) [8,10)
        assertMax(maxRow(c, 7, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2),
                new float[] {3, 3, 3, 2, 2, 2, 2}, new long[] {0, 1, 2, 5, 5, 7, 8}, "ties in overlapping bins");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void allNegativeInfinityBinGivesItsFirstIndex(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        assertMax(maxRow(c, 1, -INF, -INF, -INF), new float[] {-INF}, new long[] {0}, "all -inf");
        assertMax(maxRow(c, 3, -INF, -INF, -INF, -INF, -INF), new float[] {-INF, -INF, -INF}, new long[] {0, 1, 3},
                "all -inf, 5 -> 3: each bin's first index");
        assertMax(maxRow(c, 2, -INF, -INF, -INF, 1), new float[] {-INF, 1}, new long[] {0, 3}, "-inf then a value");
        // 2-d: a bin starting at row 1, column 2 of a 3x4 plane has first index 1 * 4 + 2 = 6.
        float[] plane = new float[12];
        Arrays.fill(plane, -INF);
        PoolResult r = c.adaptiveMaxPool2d(Tensor.of(plane, 1, 3, 4), OutputSize.of(2, 2));
        // H bins 3 -> 2: [0,2) [1,3); W bins 4 -> 2: [0,2) [2,4).
        assertMax(r, new float[] {-INF, -INF, -INF, -INF}, new long[] {0, 2, 4, 6}, "all -inf 3x4 -> 2x2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void indicesAreWithinThePlane(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        // Two planes of 3x4 with NaN at (0,1) and (2,0): the last NaN is h*W+w = 8 in both planes, not 20.
        float[] x = new float[24];
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 12; i++) {
                x[p * 12 + i] = i;
            }
            x[p * 12 + 1] = NAN;
            x[p * 12 + 8] = NAN;
        }
        assertMax(c.adaptiveMaxPool2d(Tensor.of(x, 1, 2, 3, 4), OutputSize.of(1)), new float[] {NAN, NAN}, new long[] {8, 8},
                "NaN in both planes");
        float[] y = new float[24];
        for (int i = 0; i < 24; i++) {
            y[i] = (i * 7) % 24;
        }
        // Distinct values in a different order per plane; the expected index is found plainly, per plane.
        long[] expected = new long[2];
        float[] best = {-INF, -INF};
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 12; i++) {
                if (y[p * 12 + i] > best[p]) {
                    best[p] = y[p * 12 + i];
                    expected[p] = i;
                }
            }
        }
        assertMax(c.adaptiveMaxPool2d(Tensor.of(y, 2, 3, 4), OutputSize.of(1)), best, expected, "unbatched planes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void averagesByHand(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        // 5 -> 3 bins [0,2) [1,4) [3,5).
        Tensor avg = c.adaptiveAvgPool2d(Tensor.of(new float[] {1, 2, 3, 4, 5}, 1, 1, 5), OutputSize.of(1, 3));
        assertEquals("[1.5, 3.0, 4.5]", Arrays.toString(avg.floats()));
        avg = c.adaptiveAvgPool2d(Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2), OutputSize.of(1));
        assertEquals("[2.5]", Arrays.toString(avg.floats()));
        avg = c.adaptiveAvgPool2d(Tensor.of(new float[] {1, NAN, INF, 2, INF, -INF}, 1, 1, 6), OutputSize.of(1, 3));
        assertEquals("[NaN, Infinity, NaN]", Arrays.toString(avg.floats()));
        // Upsampling 2 -> 4 copies: bins [0,1) [0,1) [1,2) [1,2). The sum starts at +0, as PyTorch's does,
        // so a bin of one -0 averages to +0 (libtorch 2.7.1 agrees: F.adaptive_avg_pool2d of -0 is +0).
        avg = c.adaptiveAvgPool2d(Tensor.of(new float[] {-0f, 7}, 1, 1, 2), OutputSize.of(1, 4));
        assertEquals("[0.0, 0.0, 7.0, 7.0]", Arrays.toString(avg.floats()));
        // A sum that overflows float32 on the way: MAX + MAX - MAX is +inf in float32, row-major.
        avg = c.adaptiveAvgPool2d(Tensor.of(new float[] {Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE}, 1, 1, 3),
                OutputSize.of(1));
        assertEquals("[Infinity]", Arrays.toString(avg.floats()), "summed in float32, in row-major order");
    }
}
