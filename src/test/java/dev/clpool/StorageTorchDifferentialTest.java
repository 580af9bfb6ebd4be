package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Reference;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import dev.clpool.testing.TorchStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * float16, bfloat16 and float64 inputs, and channels-last inputs of every dtype, against PyTorch
 * (libtorch 2.7.1 CPU through DJL) on both paths, over random shapes (non-divisible, upsampling, 1xN,
 * "none" axes, unbatched) and data (normal, ties, NaN / infinities / signed zeros / subnormals of the
 * type, float16 values near 65504 whose bin sums overflow float16).
 *
 * <p>Values must be PyTorch's bit for bit: max always, avg wherever PyTorch runs its pooling kernel,
 * which sums each bin in float32 (float64 for float64) in row-major order and rounds once. A 1x1 avg is
 * different in PyTorch ({@code input.mean}, another summation order), so there the per-type tolerances
 * of {@code torch.testing.assert_close} apply (float16 rtol 1e-3, bfloat16 1.6e-2, float64 1e-7). Any NaN
 * matches any NaN. Channels-last results are reordered to NCHW and must equal PyTorch's NCHW results:
 * the layout changes where elements lie, never their values; indices are spatial in every layout.
 * bfloat16 is checked against PyTorch's float32 result rounded to bfloat16 (see {@link TorchStorage}).
 */
class StorageTorchDifferentialTest {
    static final int CASES_PER_DTYPE = 40;

    enum Data { NORMAL, TIES, SPECIAL, LARGE }

    record Case(int number, DType dtype, Tensor x, Long oh, Long ow, Data data, Tensor torchAvg, Tensor torchMax) {
        OutputSize outputSize() {
            return OutputSize.ofNullable(oh, ow);
        }

        long h() {
            return x.shape().dim(-2);
        }

        long w() {
            return x.shape().dim(-1);
        }

        long resolvedH() {
            return oh == null ? h() : oh;
        }

        long resolvedW() {
            return ow == null ? w() : ow;
        }

        boolean batched() {
            return x.shape().rank() == 4;
        }

        String describe(long seed) {
            return Seeds.describe(seed) + ", case " + number + ": " + dtype + " input " + x.shape() + ", output size "
                    + outputSize() + ", data " + data;
        }
    }

    static long seed;
    static List<Case> cases;

    @BeforeAll
    static void generate() {
        seed = Seeds.seed("StorageTorchDifferentialTest");
        Random r = new Random(seed);
        cases = new ArrayList<>();
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64, DType.FLOAT32}) {
            for (int k = 0; k < CASES_PER_DTYPE; k++) {
                cases.add(randomCase(r, cases.size(), dtype, k));
            }
        }
    }

    static int between(Random r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    static Case randomCase(Random r, int number, DType dtype, int k) {
        // float32 in NCHW is TorchDifferentialTest's; here it runs channels last only, so batched.
        boolean batched = dtype == DType.FLOAT32 || r.nextInt(5) != 0;
        long n = between(r, 1, 2);
        long c = r.nextInt(4) == 0 ? between(r, 9, 40) : between(r, 1, 5);
        long h = r.nextInt(6) == 0 ? between(r, 13, 30) : between(r, 1, 12);
        long w = r.nextInt(6) == 0 ? between(r, 13, 30) : between(r, 1, 12);
        if (r.nextInt(8) == 0) {
            h = 1;
        }
        Long oh = axis(r, h, k == 0);
        Long ow = axis(r, w, k == 0);
        Data data = k < Data.values().length ? Data.values()[k] : Data.values()[r.nextInt(Data.values().length)];
        long[] shape = batched ? new long[] {n, c, h, w} : new long[] {c, h, w};
        int count = Math.toIntExact(Shape.of(shape).elementCount());
        Tensor x;
        if (dtype == DType.FLOAT64) {
            double[] v = new double[count];
            for (int i = 0; i < count; i++) {
                v[i] = data == Data.NORMAL ? r.nextGaussian() * 4 : value(r, data, dtype);
            }
            x = Tensor.of(v, shape);
        } else {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = value(r, data, dtype);
            }
            x = Tensor.of(v, shape).to(dtype);
        }
        Tensor torchIn = batched ? x : x.view(Shape.of(1, c, h, w), Layout.CONTIGUOUS);
        long th = oh == null ? h : oh;
        long tw = ow == null ? w : ow;
        Tensor avg = TorchStorage.pool2d(torchIn, th, tw, true);
        Tensor max = TorchStorage.pool2d(torchIn, th, tw, false);
        if (!batched) {
            Shape out = Shape.of(c, th, tw);
            avg = avg.view(out, Layout.CONTIGUOUS);
            max = max.view(out, Layout.CONTIGUOUS);
        }
        return new Case(number, dtype, x, oh, ow, data, avg, max);
    }

    /** An output size: sometimes none, often non-divisible, sometimes upsampling, now and then 1 (global). */
    static Long axis(Random r, long in, boolean global) {
        int pick = r.nextInt(100);
        if (global || pick < 12) {
            return global ? 1L : null;
        }
        if (pick < 30) {
            return in + between(r, 1, 6);
        }
        return (long) between(r, 1, (int) in);
    }

    static final float[] SPECIAL_HALF = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        0x1p-24f, -0x1p-24f, 0x1p-15f, 65504f, -65504f, 6.1e-5f};
    static final float[] SPECIAL_FLOAT = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MIN_VALUE, -Float.MIN_NORMAL / 3, 1e-39f, 3e38f, -3e38f};

    static float value(Random r, Data data, DType dtype) {
        return switch (data) {
            case NORMAL -> (float) r.nextGaussian() * 4;
            case TIES -> between(r, -2, 2) * 0.5f;
            case SPECIAL -> r.nextInt(3) == 0
                    ? (dtype == DType.FLOAT16 ? SPECIAL_HALF : SPECIAL_FLOAT)[r.nextInt(dtype == DType.FLOAT16 ? 11 : 10)]
                    : (float) r.nextGaussian();
            // float16: sums of a few of these pass 65504; so they would for bfloat16 near its maximum.
            case LARGE -> dtype == DType.FLOAT16 ? 60000 + r.nextFloat() * 5504 : (float) (r.nextGaussian() * 1e37);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void everyDtypeAndLayoutMatchesPyTorch(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        int exactAverages = 0;
        for (Case k : cases) {
            for (Layout layout : Layout.values()) {
                if (layout == Layout.CHANNELS_LAST ? !k.batched() : k.dtype() == DType.FLOAT32) {
                    continue;
                }
                String what = clpool.device() + ", " + layout + ", " + k.describe(seed);
                Tensor in = k.x().toLayout(layout);
                Tensor before = in.copy();
                PoolResult avg = clpool.pool(in, AdaptivePool.avg2d(k.outputSize()));
                PoolResult max = clpool.pool(in, AdaptivePool.max2d(k.outputSize(), true));
                for (PoolResult res : new PoolResult[] {avg, max}) {
                    assertEquals(k.dtype(), res.values().dtype(), what + ": results keep the input's dtype");
                    assertEquals(layout, res.values().layout(), what + ": results keep the input's layout");
                }
                assertEquals(layout, max.indices().layout(), what + ": indices in the input's layout");
                Tensor avgNchw = avg.values().toLayout(Layout.CONTIGUOUS);
                if (k.resolvedH() * k.resolvedW() == 1) {
                    assertMeanClose(k, avgNchw, what + ", avg (1x1: PyTorch takes a mean)");
                } else {
                    StorageAssert.assertBitExact(k.torchAvg(), avgNchw, what + ", avg");
                    exactAverages++;
                }
                StorageAssert.assertBitExact(k.torchMax(), max.values().toLayout(Layout.CONTIGUOUS), what + ", max values");
                assertIndicesAsPyTorch(k, max.indices().toLayout(Layout.CONTIGUOUS).int64s(), what);
                StorageAssert.assertBitExact(before, in, what + ": the input was modified");
            }
        }
        assertTrue(exactAverages > cases.size(), "most averages are compared bit for bit: " + exactAverages);
    }

    /**
     * A 1x1 average against PyTorch's mean, which sums in another order: within the dtype's
     * {@code torch.testing} tolerance, or, where the plane's values cancel (say 3e38 and -3e38 beside
     * small ones, in float64), within what two summation orders can differ by: each sum of n terms is
     * off by at most (n - 1) u sum|x| (u the accumulation type's unit roundoff), plus one rounding each
     * to the storage type.
     */
    static void assertMeanClose(Case k, Tensor actual, String what) {
        double[] x = StorageAssert.values(k.x());
        int plane = Math.toIntExact(k.h() * k.w());
        double u = k.dtype() == DType.FLOAT64 ? 0x1p-53 : 0x1p-24;
        double storageUlp = switch (k.dtype()) {
            case FLOAT16 -> 0x1p-10;
            case BFLOAT16 -> 0x1p-7;
            case FLOAT32 -> 0x1p-23;
            default -> 0x1p-52;
        };
        StorageAssert.Tolerance tol = StorageAssert.Tolerance.of(k.dtype());
        for (int o = 0; o < actual.elementCount(); o++) {
            double e = StorageAssert.value(k.torchAvg(), o);
            double a = StorageAssert.value(actual, o);
            double sumAbs = 0;
            boolean nan = false;
            for (int i = o * plane; i < (o + 1) * plane; i++) {
                nan |= Double.isNaN(x[i]);
                sumAbs += Double.isFinite(x[i]) ? Math.abs(x[i]) : 0;
            }
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                // A NaN in the plane gives NaN in any order; finite values that can overflow the accumulator
                // give an infinity of either sign, or NaN beside the other infinity, depending on the order.
                boolean orderDependent = !nan && sumAbs >= (k.dtype() == DType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE);
                assertTrue(orderDependent || Double.isNaN(e) && Double.isNaN(a) || e == a,
                        what + ": element " + o + " is " + a + ", expected " + e);
                continue;
            }
            double orders = 2 * (plane - 1) * u * sumAbs / plane;
            double bound = Math.max(tol.atol() + tol.rtol() * Math.abs(e), orders + 2 * storageUlp * Math.max(Math.abs(e), Math.abs(a)));
            if (!(Math.abs(a - e) <= bound)) {
                fail(what + ": element " + o + " is " + a + ", expected " + e + " within " + bound);
            }
        }
    }

    /** The index PyTorch's rule gives for PyTorch's max value (last NaN, else the first equal element), per plane. */
    static void assertIndicesAsPyTorch(Case k, long[] indices, String what) {
        double[] x = StorageAssert.values(k.x());
        double[] torchMax = StorageAssert.values(k.torchMax());
        long h = k.h();
        long w = k.w();
        int plane = Math.toIntExact(h * w);
        int o = 0;
        for (int p = 0; o < indices.length; p++) {
            for (long i = 0; i < k.resolvedH(); i++) {
                for (long j = 0; j < k.resolvedW(); j++, o++) {
                    long h0 = Reference.start(i, k.resolvedH(), h);
                    long h1 = Reference.end(i, k.resolvedH(), h);
                    long w0 = Reference.start(j, k.resolvedW(), w);
                    long w1 = Reference.end(j, k.resolvedW(), w);
                    long expected = -1;
                    for (long a = h0; a < h1 && (expected < 0 || Double.isNaN(torchMax[o])); a++) {
                        for (long b = w0; b < w1; b++) {
                            double v = x[p * plane + (int) (a * w + b)];
                            if (Double.isNaN(torchMax[o]) ? Double.isNaN(v) : v == torchMax[o] && expected < 0) {
                                expected = a * w + b;
                            }
                        }
                    }
                    if (expected < 0 || indices[o] != expected) {
                        fail(what + ": max index of output element " + o + " is " + indices[o] + ", PyTorch's rule gives "
                                + expected + " for its max " + torchMax[o]);
                    }
                }
            }
        }
    }

    @Test
    void float16PoolingIsFloat32PoolingRoundedOnce() {
        // The construction bfloat16 is checked with, checked where DJL holds the type itself: PyTorch's
        // float16 kernels give its float32 results (of the widened input) rounded to float16.
        int compared = 0;
        for (Case k : cases) {
            if (k.dtype() != DType.FLOAT16) {
                continue;
            }
            Tensor in = k.batched() ? k.x() : k.x().view(Shape.of(1, k.x().shape().dim(0), k.h(), k.w()), Layout.CONTIGUOUS);
            String what = k.describe(seed);
            Tensor max = TorchStorage.viaFloat32(in, k.resolvedH(), k.resolvedW(), false);
            StorageAssert.assertBitExact(k.torchMax(), max.view(k.torchMax().shape(), Layout.CONTIGUOUS), what + ", max");
            if (k.resolvedH() * k.resolvedW() != 1) {
                Tensor avg = TorchStorage.viaFloat32(in, k.resolvedH(), k.resolvedW(), true);
                StorageAssert.assertBitExact(k.torchAvg(), avg.view(k.torchAvg().shape(), Layout.CONTIGUOUS), what + ", avg");
                compared++;
            }
        }
        assertTrue(compared > 10, "compared " + compared);
    }

    @Test
    void largeFloat16BinsAreFiniteInPyTorchAndHere() {
        // 100 x 100 cells of 65504: PyTorch (which once summed in float16 and returned infinity) and
        // clpool sum in float32 and return 65504, for the pooling kernel (1x2) and the mean (1x1) alike.
        short[] bits = new short[100 * 100];
        Arrays.fill(bits, Float16.fromFloat(Float16.MAX_VALUE));
        Tensor x = Tensor.ofFloat16(bits, 1, 1, 100, 100);
        for (long[] out : new long[][] {{1, 1}, {1, 2}, {2, 1}}) {
            Tensor torch = TorchStorage.pool2d(x, out[0], out[1], true);
            Tensor ours = TestDevices.java().adaptiveAvgPool2d(x, OutputSize.of(out[0], out[1]));
            StorageAssert.assertBitExact(torch, ours, "65504 x 100 x 100 -> " + Arrays.toString(out));
            for (short h : ours.shorts()) {
                assertEquals(Float16.MAX_VALUE, Float16.toFloat(h));
            }
        }
    }

    @Test
    void coversEveryDtypeLayoutAndKindOfData() {
        for (DType d : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64, DType.FLOAT32}) {
            List<Case> of = cases.stream().filter(k -> k.dtype() == d).toList();
            assertTrue(of.stream().anyMatch(Case::batched), d + " batched");
            assertEquals(Arrays.stream(Data.values()).toList(), of.stream().map(Case::data).distinct().sorted().toList(), d + " data");
            assertTrue(of.stream().anyMatch(k -> k.resolvedH() * k.resolvedW() == 1), d + " global pooling");
            assertTrue(of.stream().anyMatch(k -> k.resolvedH() * k.resolvedW() > 1), d + " pooling");
        }
        assertTrue(cases.stream().anyMatch(k -> !k.batched()), "unbatched");
        assertArrayEquals(new long[] {0}, new long[] {0});
    }
}
