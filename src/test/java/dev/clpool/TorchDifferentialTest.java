package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Reference;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.SpyBackend;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import dev.clpool.testing.Torch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * clpool against real PyTorch (libtorch 2.7.1 through DJL, in process), on both paths, over hundreds of
 * random shapes per run: non-divisible sizes, upsampling, 1xN and Nx1 planes, "none" axes, unbatched
 * inputs (batched for torch, which DJL only takes 4-d), N = 0 and zero output sizes, data with many
 * ties and with NaN / infinities / signed zeros / subnormals.
 *
 * <p>Avg within PyTorch's float32 tolerance (atol 1e-5, rtol 1.3e-6); max values bit-exact. DJL gives no
 * indices, so the index PyTorch would give is derived from its max value and the input: the last NaN of
 * the bin when the max is NaN, else the first element equal to the max (bins from {@link Reference}).
 *
 * <p>The seed is new every run and printed; replay with {@code -Dclpool.test.seed=N}. Every failure
 * names the seed, the input shape and the output size.
 */
class TorchDifferentialTest {
    static final int RANDOM_CASES = 400;

    enum Feature { BATCHED, UNBATCHED, NON_DIVISIBLE, UPSAMPLING, ONE_ROW, ONE_COLUMN, NONE_AXIS, EMPTY_BATCH,
        ZERO_OUTPUT, TIES, SPECIAL_VALUES }

    enum Data { NORMAL, TIES, SPECIAL }

    /** One random case and PyTorch's results for it (computed once, shared by both paths). */
    record Case(int number, long[] shape, Long oh, Long ow, Data data, float[] x,
                Torch.Outcome torchAvg, Torch.Outcome torchMax) {
        OutputSize outputSize() {
            return OutputSize.ofNullable(oh, ow);
        }

        boolean batched() {
            return shape.length == 4;
        }

        long h() {
            return shape[shape.length - 2];
        }

        long w() {
            return shape[shape.length - 1];
        }

        long resolvedH() {
            return oh == null ? h() : oh;
        }

        long resolvedW() {
            return ow == null ? w() : ow;
        }

        String describe(long seed) {
            return Seeds.describe(seed) + ", case " + number + ": input shape " + Arrays.toString(shape) + ", output size "
                    + outputSize() + " (resolved " + resolvedH() + "x" + resolvedW() + "), data " + data;
        }
    }

    static long seed;
    static List<Case> cases;

    @BeforeAll
    static void generate() {
        seed = Seeds.seed("TorchDifferentialTest");
        Random r = new Random(seed);
        cases = new ArrayList<>();
        // First one case per feature, so that every run covers all of them; then free random cases.
        for (Feature f : Feature.values()) {
            cases.add(randomCase(r, cases.size(), f));
        }
        while (cases.size() < RANDOM_CASES) {
            cases.add(randomCase(r, cases.size(), null));
        }
    }

    static int between(Random r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    static Long outputAxis(Random r, long in, boolean allowNone, boolean allowZero) {
        int pick = r.nextInt(100);
        if (allowNone && pick < 12) {
            return null;
        }
        if (allowZero && pick < 15) {
            return 0L;
        }
        if (pick < 35) {
            return in + between(r, 1, 12); // upsampling
        }
        return (long) between(r, 1, (int) Math.max(1, in)); // pooling, often non-divisible
    }

    static Case randomCase(Random r, int number, Feature forced) {
        boolean batched = forced == Feature.UNBATCHED ? false : forced == Feature.BATCHED || forced == Feature.EMPTY_BATCH || r.nextInt(10) < 7;
        long n = forced == Feature.EMPTY_BATCH ? 0 : r.nextInt(40) == 0 ? 0 : between(r, 1, 3);
        long c = between(r, 1, 4);
        long h = r.nextInt(8) == 0 ? between(r, 13, 33) : between(r, 1, 12);
        long w = r.nextInt(8) == 0 ? between(r, 13, 33) : between(r, 1, 12);
        if (forced == Feature.ONE_ROW || (forced == null && r.nextInt(10) == 0)) {
            h = 1;
            w = between(r, 2, 30);
        } else if (forced == Feature.ONE_COLUMN || (forced == null && r.nextInt(10) == 0)) {
            w = 1;
            h = between(r, 2, 30);
        }
        Long oh = outputAxis(r, h, true, forced == null && r.nextInt(15) == 0);
        Long ow = outputAxis(r, w, true, forced == null && r.nextInt(15) == 0);
        switch (forced == null ? Feature.BATCHED : forced) {
            case NON_DIVISIBLE -> {
                h = between(r, 5, 20);
                oh = h - between(r, 1, 3);
                ow = (long) between(r, 1, (int) w);
            }
            case UPSAMPLING -> {
                oh = h + between(r, 1, 9);
                ow = w + between(r, 1, 9);
            }
            case NONE_AXIS -> oh = null;
            case ZERO_OUTPUT -> ow = 0L;
            case ONE_ROW, ONE_COLUMN -> {
                oh = (long) between(r, 1, (int) h + 3);
                ow = (long) between(r, 1, (int) w + 3);
            }
            default -> { }
        }
        Data data = forced == Feature.TIES ? Data.TIES : forced == Feature.SPECIAL_VALUES ? Data.SPECIAL
                : Data.values()[r.nextInt(Data.values().length)];
        long[] shape = batched ? new long[] {n, c, h, w} : new long[] {c, h, w};
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = value(r, data);
        }
        long[] torchShape = batched ? shape : new long[] {1, c, h, w};
        long th = oh == null ? h : oh;
        long tw = ow == null ? w : ow;
        return new Case(number, shape, oh, ow, data, x,
                Torch.adaptiveAvgPool2d(x, torchShape, th, tw), Torch.adaptiveMaxPool2d(x, torchShape, th, tw));
    }

    static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL / 3, -Float.MIN_NORMAL / 7};

    static float value(Random r, Data data) {
        return switch (data) {
            case NORMAL -> (float) r.nextGaussian() * 4;
            case TIES -> between(r, -2, 2) * 0.5f;
            case SPECIAL -> r.nextInt(4) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : (float) r.nextGaussian();
        };
    }

    @Test
    void theCasesCoverEveryFeature() {
        // Guards against a generator that drifted into testing only easy shapes.
        Map<Feature, Integer> seen = new EnumMap<>(Feature.class);
        for (Case k : cases) {
            EnumSet<Feature> f = EnumSet.noneOf(Feature.class);
            f.add(k.batched() ? Feature.BATCHED : Feature.UNBATCHED);
            if (k.resolvedH() != 0 && k.h() % k.resolvedH() != 0 || k.resolvedW() != 0 && k.w() % k.resolvedW() != 0) {
                f.add(Feature.NON_DIVISIBLE);
            }
            if (k.resolvedH() > k.h() || k.resolvedW() > k.w()) {
                f.add(Feature.UPSAMPLING);
            }
            if (k.h() == 1) {
                f.add(Feature.ONE_ROW);
            }
            if (k.w() == 1) {
                f.add(Feature.ONE_COLUMN);
            }
            if (k.oh() == null || k.ow() == null) {
                f.add(Feature.NONE_AXIS);
            }
            if (k.batched() && k.shape()[0] == 0) {
                f.add(Feature.EMPTY_BATCH);
            }
            if (k.resolvedH() == 0 || k.resolvedW() == 0) {
                f.add(Feature.ZERO_OUTPUT);
            }
            if (k.data() == Data.TIES) {
                f.add(Feature.TIES);
            }
            if (k.data() == Data.SPECIAL) {
                f.add(Feature.SPECIAL_VALUES);
            }
            f.forEach(x -> seen.merge(x, 1, Integer::sum));
        }
        assertEquals(EnumSet.allOf(Feature.class), seen.keySet(), "features covered: " + seen);
        assertTrue(cases.size() >= RANDOM_CASES);
        System.out.println("[TorchDifferentialTest] " + cases.size() + " cases, features " + seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void randomShapesMatchPyTorch(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        for (Case k : cases) {
            String what = clpool.device() + ", " + k.describe(seed);
            assertTrue(!k.torchAvg().refused() && !k.torchMax().refused(),
                    () -> what + ": libtorch refused a case meant to be valid: " + k.torchAvg() + " / " + k.torchMax());
            Tensor x = Tensor.of(k.x(), k.shape());
            float[] before = k.x().clone();
            Tensor avg = clpool.adaptiveAvgPool2d(x, k.outputSize());
            PoolResult max = clpool.adaptiveMaxPool2d(x, k.outputSize());

            Tensor torchAvg = asOurs(k, k.torchAvg());
            Tensor torchMax = asOurs(k, k.torchMax());
            TensorAssert.assertClose(torchAvg, avg, what + ", avg");
            TensorAssert.assertBitExact(torchMax, max.values(), what + ", max values");
            assertEquals(max.values().shape(), max.indices().shape(), what);
            assertIndicesAsPyTorch(k, torchMax.floats(), max.indices().int64s(), what);
            assertTrue(Arrays.equals(before, k.x()), () -> what + ": the input was modified");
        }
    }

    /** PyTorch's output in clpool's shape: unbatched cases were batched as (1, C, H, W) for torch. */
    static Tensor asOurs(Case k, Torch.Outcome torch) {
        long[] shape = torch.shape();
        if (!k.batched()) {
            assertEquals(1, shape[0]);
            shape = Arrays.copyOfRange(shape, 1, 4);
        }
        return Tensor.of(torch.values(), shape);
    }

    /** Each index is the one PyTorch's rule gives for PyTorch's max value: found from the input alone. */
    static void assertIndicesAsPyTorch(Case k, float[] torchMax, long[] indices, String what) {
        long h = k.h();
        long w = k.w();
        long oh = k.resolvedH();
        long ow = k.resolvedW();
        int plane = Math.toIntExact(h * w);
        int o = 0;
        for (int p = 0; o < indices.length; p++) {
            for (long i = 0; i < oh; i++) {
                for (long j = 0; j < ow; j++, o++) {
                    long h0 = Reference.start(i, oh, h);
                    long h1 = Reference.end(i, oh, h);
                    long w0 = Reference.start(j, ow, w);
                    long w1 = Reference.end(j, ow, w);
                    long expected = Reference.maxIndex(k.x(), p * plane, w, h0, h1, w0, w1, torchMax[o]);
                    if (expected < 0 || indices[o] != expected) {
                        fail(what + ": max index of output element " + o + " (plane " + p + ", cell " + i + "," + j
                                + ", bin rows [" + h0 + "," + h1 + ") cols [" + w0 + "," + w1 + ")) is " + indices[o]
                                + ", PyTorch's rule gives " + expected + " for its max " + torchMax[o]);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- refusals agree with libtorch

    @Test
    void refusalsAndEmptyShapesMatchPyTorch() {
        // A grid of edge shapes (zeros in every dimension) and output sizes (zero, negative, None); both
        // modes. clpool must refuse exactly what libtorch 2.7.1 refuses, and shape the rest as it does.
        // (libtorch refusals are slow, ~5 ms each, so the grid is kept to what differs.)
        long[] ns = {0, 2};
        long[] cs = {0, 3};
        long[] hs = {0, 5};
        long[] ws = {0, 4};
        Long[] outs = {null, 0L, 1L, 3L, -1L};
        int compared = 0;
        int refusals = 0;
        for (long n : ns) {
            for (long c : cs) {
                for (long h : hs) {
                    for (long w : ws) {
                        for (Long oh : outs) {
                            for (Long ow : new Long[] {null, 0L, 1L, -2L}) {
                                for (PoolMode mode : PoolMode.values()) {
                                    refusals += compareWithTorch(new long[] {n, c, h, w}, oh, ow, mode) ? 1 : 0;
                                    compared++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(refusals > 0 && refusals < compared, refusals + " refusals of " + compared);
    }

    static void assertThrowsIllegalArgument(Runnable call, String what) {
        try {
            call.run();
        } catch (IllegalArgumentException expected) {
            return;
        }
        fail(what + ": clpool accepted");
    }

    @Test
    void avgOneByOneOfAnEmptyPlaneIsNaNInPyTorch() {
        // The libtorch quirk above, spelled out: F.adaptive_avg_pool2d(torch.empty(1, 3, 0, 4), 1) is
        // three NaNs, while F.adaptive_avg_pool2d(torch.empty(1, 3, 0, 4), 2) is an error.
        Torch.Outcome oneByOne = Torch.adaptiveAvgPool2d(new float[0], new long[] {1, 3, 0, 4}, 1, 1);
        assertEquals(List.of(1L, 3L, 1L, 1L), Arrays.stream(oneByOne.shape()).boxed().toList(), oneByOne.toString());
        for (float v : oneByOne.values()) {
            assertTrue(Float.isNaN(v));
        }
        assertTrue(Torch.adaptiveAvgPool2d(new float[0], new long[] {1, 3, 0, 4}, 2, 2).refused());
        assertTrue(Torch.adaptiveMaxPool2d(new float[0], new long[] {1, 3, 0, 4}, 1, 1).refused());
    }

    /** True when both refused. */
    static boolean compareWithTorch(long[] shape, Long oh, Long ow, PoolMode mode) {
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        Arrays.fill(x, 1.5f);
        long th = oh == null ? shape[2] : oh;
        long tw = ow == null ? shape[3] : ow;
        Torch.Outcome torch = mode == PoolMode.AVG ? Torch.adaptiveAvgPool2d(x, shape, th, tw)
                : Torch.adaptiveMaxPool2d(x, shape, th, tw);
        String what = mode.label() + " " + Arrays.toString(shape) + " -> " + OutputSize.ofNullable(oh, ow) + ": torch " + torch;
        if (mode == PoolMode.AVG && th == 1 && tw == 1 && (shape[2] == 0 || shape[3] == 0)) {
            // libtorch's adaptive_avg_pool2d takes a shortcut for a 1x1 output, input.mean({-1, -2}), which
            // skips its own empty-dimension check: an empty plane gives NaN instead of an error. clpool
            // refuses, as the pooling kernel itself (and every other output size) does. Pinned here so
            // that a change on either side is noticed; see avgOneByOneOfAnEmptyPlaneIsNaNInPyTorch.
            assertTrue(!torch.refused(), what + ": the quirk is gone from libtorch");
            try (Clpool clpool = Clpool.using(SpyBackend.forbidding())) {
                assertThrowsIllegalArgument(() -> clpool.pool(Tensor.of(x, shape),
                        new AdaptivePool(mode, 2, OutputSize.ofNullable(oh, ow), false)), what);
            }
            return false;
        }
        try (Clpool clpool = Clpool.using(SpyBackend.counting())) {
            PoolResult r;
            try {
                r = clpool.pool(Tensor.of(x, shape), new AdaptivePool(mode, 2, OutputSize.ofNullable(oh, ow), mode == PoolMode.MAX));
            } catch (IllegalArgumentException refused) {
                assertTrue(torch.refused(), what + ", clpool refused: " + refused.getMessage());
                return true;
            }
            assertTrue(!torch.refused(), what + ", clpool accepted");
            assertEquals(Shape.of(torch.shape()), r.values().shape(), what);
            return false;
        }
    }
}
