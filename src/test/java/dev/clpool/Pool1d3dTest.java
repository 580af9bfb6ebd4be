package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.OpenClBackend;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Reference;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.SpyBackend;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import dev.clpool.testing.Torch;
import dev.clpool.testing.TorchOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 1-d and 3-d adaptive pooling ({@code adaptive_{avg,max}_pool{1,3}d}) against real PyTorch (libtorch
 * 2.7.1 through DJL) on both paths, over random seeded shapes: batched and unbatched, non-divisible,
 * upsampling, "none" axes, N = 0, zero output sizes, ties and special values. Then the OpenCL path
 * against the Java path bit for bit with every kernel that can run a plan, and PyTorch's refusals.
 *
 * <p>Averages are PyTorch's bits (both sum each bin in row-major order and divide by kd, kh, kw in
 * turn), except for an all-ones output, which libtorch computes with {@code mean()}: within float32
 * tolerance there. Max values bit-exact; indices are those PyTorch's rule gives for its max value
 * (DJL returns no indices): the last NaN of the bin, else the first element equal to the max, flat
 * within the input's spatial volume. {@code BackwardTest} checks indices against autograd too.
 */
class Pool1d3dTest {
    static final int CASES_PER_RANK = 120;

    enum Feature { BATCHED, UNBATCHED, NON_DIVISIBLE, UPSAMPLING, NONE_AXIS, UNIFORM_SIZE, EMPTY_BATCH, ZERO_OUTPUT,
        TIES, SPECIAL_VALUES }

    enum Data { NORMAL, TIES, SPECIAL }

    /** A random case: spatial rank 1 or 3, an input, an output size (null = None) and PyTorch's results. */
    record Case(int number, int rank, long[] shape, Long[] out, boolean uniform, Data data, float[] x,
                Torch.Outcome torchAvg, Torch.Outcome torchMax) {
        OutputSize outputSize() {
            return uniform ? OutputSize.of(out[0]) : OutputSize.ofNullable(out);
        }

        boolean batched() {
            return shape.length == rank + 2;
        }

        long[] spatial() {
            return Arrays.copyOfRange(shape, shape.length - rank, shape.length);
        }

        long[] resolved() {
            long[] in = spatial();
            long[] r = new long[rank];
            for (int a = 0; a < rank; a++) {
                Long o = out[uniform ? 0 : a];
                r[a] = o == null ? in[a] : o;
            }
            return r;
        }

        String describe(long seed) {
            return Seeds.describe(seed) + ", case " + number + ": " + rank + "-d, input shape " + Arrays.toString(shape)
                    + ", output size " + outputSize() + " (resolved " + Arrays.toString(resolved()) + "), data " + data;
        }
    }

    static long seed;
    static List<Case> cases;

    @BeforeAll
    static void generate() {
        seed = Seeds.seed("Pool1d3dTest");
        Random r = new Random(seed);
        cases = new ArrayList<>();
        for (int rank : new int[] {1, 3}) {
            for (Feature f : Feature.values()) {
                cases.add(randomCase(r, cases.size(), rank, f));
            }
            for (int i = 0; i < CASES_PER_RANK - Feature.values().length; i++) {
                cases.add(randomCase(r, cases.size(), rank, null));
            }
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
        if (allowZero && pick < 16) {
            return 0L;
        }
        if (pick < 35) {
            return in + between(r, 1, 7); // upsampling
        }
        return (long) between(r, 1, (int) Math.max(1, in)); // pooling, often non-divisible
    }

    static Case randomCase(Random r, int number, int rank, Feature forced) {
        boolean batched = forced == Feature.UNBATCHED ? false
                : forced == Feature.BATCHED || forced == Feature.EMPTY_BATCH || r.nextInt(10) < 7;
        long n = forced == Feature.EMPTY_BATCH ? 0 : r.nextInt(40) == 0 ? 0 : between(r, 1, 2);
        long c = between(r, 1, 3);
        long[] spatial = new long[rank];
        for (int a = 0; a < rank; a++) {
            spatial[a] = rank == 1 ? (r.nextInt(6) == 0 ? between(r, 30, 90) : between(r, 1, 24))
                    : (r.nextInt(6) == 0 ? between(r, 10, 16) : between(r, 1, 8));
        }
        boolean uniform = forced == Feature.UNIFORM_SIZE || (forced == null && r.nextInt(5) == 0);
        boolean zeroAllowed = forced == null && r.nextInt(12) == 0;
        Long[] out = new Long[uniform ? 1 : rank];
        for (int a = 0; a < out.length; a++) {
            out[a] = outputAxis(r, spatial[a], !uniform, zeroAllowed);
        }
        switch (forced == null ? Feature.BATCHED : forced) {
            case NON_DIVISIBLE -> {
                spatial[0] = between(r, 7, 20);
                out = nonUniform(out, rank, spatial);
                out[0] = spatial[0] - between(r, 1, 4);
            }
            case UPSAMPLING -> {
                out = nonUniform(out, rank, spatial);
                for (int a = 0; a < rank; a++) {
                    out[a] = spatial[a] + between(r, 1, 5);
                }
            }
            case NONE_AXIS -> {
                out = nonUniform(out, rank, spatial);
                out[rank - 1] = null;
            }
            case ZERO_OUTPUT -> {
                out = nonUniform(out, rank, spatial);
                out[0] = 0L;
            }
            case UNIFORM_SIZE -> out = new Long[] {(long) between(r, 1, 5)};
            default -> { }
        }
        boolean isUniform = out[0] != null && (out.length < rank || rank == 1 && uniform);
        Data data = forced == Feature.TIES ? Data.TIES : forced == Feature.SPECIAL_VALUES ? Data.SPECIAL
                : Data.values()[r.nextInt(Data.values().length)];
        long[] shape = new long[rank + (batched ? 2 : 1)];
        int k = 0;
        if (batched) {
            shape[k++] = n;
        }
        shape[k++] = c;
        System.arraycopy(spatial, 0, shape, k, rank);
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = value(r, data);
        }
        Case draft = new Case(number, rank, shape, out, isUniform, data, x, null, null);
        long[] torchShape = batched ? shape : prepend(1, shape);
        long[] size = draft.resolved();
        return new Case(number, rank, shape, out, isUniform, data, x,
                TorchOps.pool(PoolMode.AVG, x, torchShape, size), TorchOps.pool(PoolMode.MAX, x, torchShape, size));
    }

    static Long[] nonUniform(Long[] out, int rank, long[] spatial) {
        if (out.length == rank) {
            return out;
        }
        Long[] full = new Long[rank];
        Arrays.fill(full, out[0]);
        return full;
    }

    static long[] prepend(long first, long[] rest) {
        long[] s = new long[rest.length + 1];
        s[0] = first;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL / 3, Float.MAX_VALUE, -Float.MAX_VALUE};

    static float value(Random r, Data data) {
        return switch (data) {
            case NORMAL -> (float) r.nextGaussian() * 4;
            case TIES -> between(r, -2, 2) * 0.5f;
            case SPECIAL -> r.nextInt(4) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : (float) r.nextGaussian();
        };
    }

    @Test
    void theCasesCoverEveryFeatureInBothRanks() {
        for (int rank : new int[] {1, 3}) {
            Map<Feature, Integer> seen = new EnumMap<>(Feature.class);
            for (Case k : cases) {
                if (k.rank() != rank) {
                    continue;
                }
                EnumSet<Feature> f = EnumSet.noneOf(Feature.class);
                f.add(k.batched() ? Feature.BATCHED : Feature.UNBATCHED);
                long[] in = k.spatial();
                long[] out = k.resolved();
                for (int a = 0; a < rank; a++) {
                    if (out[a] != 0 && in[a] % out[a] != 0) {
                        f.add(Feature.NON_DIVISIBLE);
                    }
                    if (out[a] > in[a]) {
                        f.add(Feature.UPSAMPLING);
                    }
                    if (out[a] == 0) {
                        f.add(Feature.ZERO_OUTPUT);
                    }
                }
                if (Arrays.asList(k.out()).contains(null)) {
                    f.add(Feature.NONE_AXIS);
                }
                if (k.uniform()) {
                    f.add(Feature.UNIFORM_SIZE);
                }
                if (k.batched() && k.shape()[0] == 0) {
                    f.add(Feature.EMPTY_BATCH);
                }
                if (k.data() != Data.NORMAL) {
                    f.add(k.data() == Data.TIES ? Feature.TIES : Feature.SPECIAL_VALUES);
                }
                f.forEach(x -> seen.merge(x, 1, Integer::sum));
            }
            assertEquals(EnumSet.allOf(Feature.class), seen.keySet(), rank + "-d features covered: " + seen);
            System.out.println("[Pool1d3dTest] " + rank + "-d features " + seen);
        }
    }

    /**
     * A 1x1 average against PyTorch's mean(), which sums in another order: within float32 tolerance,
     * except for planes whose magnitudes add up past FLT_MAX, where one order overflows (or meets inf
     * and -inf) and another need not, so that no comparison is meaningful; those planes are skipped.
     */
    static void assertMeanClose(Case k, float[] expected, float[] actual, String what) {
        int plane = k.x().length / Math.max(1, expected.length);
        for (int p = 0; p < expected.length; p++) {
            double magnitude = 0;
            for (int i = p * plane; i < (p + 1) * plane; i++) {
                magnitude += Math.abs((double) k.x()[i]);
            }
            boolean orderDependent = !(magnitude < Float.MAX_VALUE);
            float e = expected[p];
            float a = actual[p];
            assertTrue(orderDependent || TensorAssert.close(e, a, TensorAssert.ATOL, TensorAssert.RTOL),
                    what + ": element " + p + " is " + a + ", expected " + e);
        }
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
            Tensor avg = k.rank() == 1 ? clpool.adaptiveAvgPool1d(x, k.outputSize()) : clpool.adaptiveAvgPool3d(x, k.outputSize());
            PoolResult max = k.rank() == 1 ? clpool.adaptiveMaxPool1d(x, k.outputSize()) : clpool.adaptiveMaxPool3d(x, k.outputSize());

            Tensor torchAvg = asOurs(k, k.torchAvg());
            Tensor torchMax = asOurs(k, k.torchMax());
            if (Arrays.stream(k.resolved()).allMatch(s -> s == 1)) {
                assertMeanClose(k, torchAvg.floats(), avg.floats(), what + ", avg (PyTorch's mean())");
            } else {
                TensorAssert.assertBitExact(torchAvg, avg, what + ", avg");
            }
            TensorAssert.assertBitExact(torchMax, max.values(), what + ", max values");
            assertEquals(max.values().shape(), max.indices().shape(), what);
            assertIndicesAsPyTorch(k, torchMax.floats(), max.indices().int64s(), what);
            assertTrue(Arrays.equals(before, k.x()), () -> what + ": the input was modified");
        }
    }

    /** PyTorch's output in clpool's shape: unbatched cases were batched as (1, ...) for torch. */
    static Tensor asOurs(Case k, Torch.Outcome torch) {
        long[] shape = torch.shape();
        if (!k.batched()) {
            assertEquals(1, shape[0]);
            shape = Arrays.copyOfRange(shape, 1, shape.length);
        }
        return Tensor.of(torch.values(), shape);
    }

    /** Each index is the one PyTorch's rule gives for PyTorch's max value, found from the input alone. */
    static void assertIndicesAsPyTorch(Case k, float[] torchMax, long[] indices, String what) {
        long[] in = volume(k.spatial());
        long[] out = volume(k.resolved());
        int plane = Math.toIntExact(in[0] * in[1] * in[2]);
        int o = 0;
        for (int p = 0; o < indices.length; p++) {
            for (long od = 0; od < out[0]; od++) {
                for (long oh = 0; oh < out[1]; oh++) {
                    for (long ow = 0; ow < out[2]; ow++, o++) {
                        long expected = maxIndex(k.x(), p * plane, in, new long[] {
                            Reference.start(od, out[0], in[0]), Reference.end(od, out[0], in[0]),
                            Reference.start(oh, out[1], in[1]), Reference.end(oh, out[1], in[1]),
                            Reference.start(ow, out[2], in[2]), Reference.end(ow, out[2], in[2])}, torchMax[o]);
                        if (expected < 0 || indices[o] != expected) {
                            fail(what + ": max index of output element " + o + " (plane " + p + ", cell " + od + "," + oh + ","
                                    + ow + ") is " + indices[o] + ", PyTorch's rule gives " + expected + " for its max " + torchMax[o]);
                        }
                    }
                }
            }
        }
    }

    /** Spatial sizes as D, H, W, with 1 for the axes a pooling lacks. */
    static long[] volume(long[] spatial) {
        long[] v = {1, 1, 1};
        System.arraycopy(spatial, 0, v, 3 - spatial.length, spatial.length);
        return v;
    }

    /** The last NaN of the bin when {@code max} is NaN, else the first element equal to it; -1 if none. */
    static long maxIndex(float[] x, int base, long[] in, long[] bin, float max) {
        long found = -1;
        for (long d = bin[0]; d < bin[1]; d++) {
            for (long h = bin[2]; h < bin[3]; h++) {
                for (long w = bin[4]; w < bin[5]; w++) {
                    long i = (d * in[1] + h) * in[2] + w;
                    float v = x[base + (int) i];
                    if (Float.isNaN(max)) {
                        if (Float.isNaN(v)) {
                            found = i;
                        }
                    } else if (v == max) {
                        return i;
                    }
                }
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- OpenCL against Java, every kernel

    @Test
    void everyOpenClKernelAgreesWithJavaBitForBit() {
        TestDevices.openCl(); // skips without OpenCL, fails in CI
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ 0x1d3d);
        // Every pooling kernel that takes planar tensors (channels_last_blocks takes NHWC ones: StorageOpenClVsJavaTest).
        for (String kernel : TestDevices.poolKernels().map(Named::getPayload).filter(k -> !k.equals("channels_last_blocks")).toList()) {
            Clpool cl = TestDevices.forced(kernel);
            int ran = 0;
            for (int k = 0; k < 40; k++) {
                int rank = r.nextBoolean() ? 1 : 3;
                Data data = Data.values()[r.nextInt(Data.values().length)];
                long planes = between(r, 1, 9);
                long[] spatial = new long[rank];
                Long[] out = new Long[rank];
                for (int a = 0; a < rank; a++) {
                    spatial[a] = rank == 1 ? between(r, 1, 70) : between(r, 1, 12);
                    out[a] = k % 10 == 9 ? null : outputAxis(r, spatial[a], true, false); // identity for the copy kernel
                }
                long[] shape = prepend(planes, spatial);
                float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
                for (int i = 0; i < x.length; i++) {
                    x[i] = value(r, data);
                }
                Tensor input = Tensor.of(x, shape);
                OutputSize size = OutputSize.ofNullable(out);
                String what = Seeds.describe(seed) + ", kernel " + kernel + ", case " + k + ": " + rank
                        + "-d, input " + Arrays.toString(shape) + ", output size " + size + ", " + data;
                if (!TestDevices.runs(cl, input, AdaptivePool.max(rank, size, true))) {
                    continue;
                }
                ran++;
                PoolResult jm = java.pool(input, AdaptivePool.max(rank, size, true));
                PoolResult cm = cl.pool(input, AdaptivePool.max(rank, size, true));
                TensorAssert.assertBitExact(jm.values(), cm.values(), what + ", max values");
                TensorAssert.assertSameIndices(jm.indices(), cm.indices(), what);
                TensorAssert.assertBitExact(jm.values(), cl.pool(input, AdaptivePool.max(rank, size, false)).values(),
                        what + ", max values without indices");
                TensorAssert.assertBitExact(java.pool(input, AdaptivePool.avg(rank, size)).values(),
                        cl.pool(input, AdaptivePool.avg(rank, size)).values(), what + ", avg");
            }
            assertTrue(ran > 0, "kernel " + kernel + " ran none of the cases");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void indicesAreFlatWithinTheVolume(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        // Two planes of 2x3x4: the maximum at (d, h, w) = (1, 2, 3) and (0, 1, 2) has index 23 and 6.
        float[] x = new float[48];
        x[23] = 5;
        x[24 + 6] = 7;
        PoolResult r = c.adaptiveMaxPool3d(Tensor.of(x, 2, 2, 3, 4), OutputSize.of(1));
        assertEquals("[5.0, 7.0]", Arrays.toString(r.values().floats()));
        assertEquals("[23, 6]", Arrays.toString(r.indices().int64s()));
        // 1-d: the index is the position along L; 5 -> 3 bins [0,2) [1,4) [3,5).
        r = c.adaptiveMaxPool1d(Tensor.of(new float[] {1, 9, 3, 4, Float.NaN}, 1, 5), OutputSize.of(3));
        assertEquals("[9.0, 9.0, NaN]", Arrays.toString(r.values().floats()));
        assertEquals("[1, 1, 4]", Arrays.toString(r.indices().int64s()));
        Tensor avg = c.adaptiveAvgPool1d(Tensor.of(new float[] {1, 2, 3, 4, 5}, 1, 1, 5), OutputSize.of(3));
        assertEquals("[1.5, 3.0, 4.5]", Arrays.toString(avg.floats()));
        // 3-d None keeps an axis: (2, 3, 4) -> (None, 1, 2).
        float[] y = new float[24];
        for (int i = 0; i < 24; i++) {
            y[i] = i;
        }
        avg = c.adaptiveAvgPool3d(Tensor.of(y, 1, 2, 3, 4), OutputSize.ofNullable(null, 1L, 2L));
        assertEquals(Shape.of(1, 2, 1, 2), avg.shape());
        assertEquals("[4.5, 6.5, 16.5, 18.5]", Arrays.toString(avg.floats()));
    }

    // ---------------------------------------------------------------- refusals agree with libtorch

    @Test
    void refusalsAndEmptyShapesMatchPyTorch() {
        // Batched shapes with a zero in each place (DJL takes batched inputs only; the unbatched rule is
        // the same check one dimension on, see PoolPlanTest), output sizes zero, negative and None.
        int refusals = 0;
        int compared = 0;
        for (int rank : new int[] {1, 3}) {
            for (int zeroAt = -1; zeroAt < rank + 2; zeroAt++) {
                long[] shape = new long[rank + 2];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = i == zeroAt ? 0 : 2 + i;
                }
                for (Long o : new Long[] {null, 0L, 1L, 2L, -1L}) {
                    Long[] out = new Long[rank];
                    Arrays.fill(out, 2L);
                    out[rank - 1] = o;
                    for (PoolMode mode : PoolMode.values()) {
                        refusals += compareWithTorch(rank, shape, out, mode) ? 1 : 0;
                        compared++;
                    }
                    Long[] ones = new Long[rank];
                    Arrays.fill(ones, o == null ? null : 1L);
                    for (PoolMode mode : PoolMode.values()) {
                        refusals += compareWithTorch(rank, shape, ones, mode) ? 1 : 0;
                        compared++;
                    }
                }
            }
        }
        assertTrue(refusals > 0 && refusals < compared, refusals + " refusals of " + compared);
    }

    /** True when both refused. */
    static boolean compareWithTorch(int rank, long[] shape, Long[] out, PoolMode mode) {
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        Arrays.fill(x, 1.5f);
        long[] size = new long[rank];
        for (int a = 0; a < rank; a++) {
            size[a] = out[a] == null ? shape[2 + a] : out[a];
        }
        Torch.Outcome torch = TorchOps.pool(mode, x, shape, size);
        OutputSize outputSize = OutputSize.ofNullable(out);
        AdaptivePool op = new AdaptivePool(mode, rank, outputSize, mode == PoolMode.MAX);
        String what = op + " of " + Arrays.toString(shape) + ": torch " + torch;
        boolean allOnes = Arrays.stream(size).allMatch(s -> s == 1);
        // What the pooling kernels themselves check (libtorch 2.7.1): adaptive_avg_pool1d, which is
        // adaptive_avg_pool2d of x.unsqueeze(-2), only L; adaptive_avg_pool3d every dimension after N.
        boolean kernelRefuses = false;
        for (int i = rank == 1 ? shape.length - 1 : 1; i < shape.length; i++) {
            kernelRefuses |= shape[i] == 0;
        }
        if (mode == PoolMode.AVG && allOnes && kernelRefuses) {
            // libtorch computes an all-ones average with x.mean(spatial dims), skipping the pooling's own
            // checks: an empty L, D, H or W gives NaN, and a batched 3-d input with C = 0 an empty result.
            // clpool refuses, as the pooling kernel (and every other output size) does; pinned here so
            // that a change on either side is noticed.
            assertTrue(!torch.refused(), what + ": the mean() quirk is gone from libtorch");
            try (Clpool clpool = Clpool.using(SpyBackend.forbidding())) {
                assertThrows(IllegalArgumentException.class, () -> clpool.pool(Tensor.of(x, shape), op), what);
            }
            return false;
        }
        try (Clpool clpool = Clpool.using(SpyBackend.counting())) {
            PoolResult r;
            try {
                r = clpool.pool(Tensor.of(x, shape), op);
            } catch (IllegalArgumentException refused) {
                assertTrue(torch.refused(), what + ", clpool refused: " + refused.getMessage());
                return true;
            }
            assertTrue(!torch.refused(), what + ", clpool accepted");
            assertEquals(Shape.of(torch.shape()), r.values().shape(), what);
            return false;
        }
    }

    @Test
    void ranksAreCheckedPerOperation() {
        try (Clpool clpool = Clpool.using(SpyBackend.forbidding())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> clpool.adaptiveAvgPool1d(Tensor.of(new float[16], 2, 2, 2, 2), OutputSize.of(1)));
            assertTrue(e.getMessage().contains("adaptive_avg_pool1d") && e.getMessage().contains("(N, C, L)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> clpool.adaptiveMaxPool3d(Tensor.of(new float[8], 2, 2, 2), OutputSize.of(1)));
            assertTrue(e.getMessage().contains("adaptive_max_pool3d") && e.getMessage().contains("(N, C, D, H, W)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> clpool.adaptiveAvgPool3d(Tensor.of(new float[8], 1, 1, 2, 2, 2), OutputSize.of(1, 2)));
            assertTrue(e.getMessage().contains("expected 3 sizes"), e.getMessage());
            // Unbatched: C = 0 is allowed where the check starts at dimension 1 (max, avg 3-d) ...
            assertEquals(Shape.of(0, 1, 1, 1), clpool.adaptiveAvgPool3d(Tensor.of(new float[0], 0, 2, 2, 2), OutputSize.of(1)).shape());
            assertEquals(Shape.of(0, 2), clpool.adaptiveMaxPool1d(Tensor.of(new float[0], 0, 4), OutputSize.of(2)).values().shape());
            // ... and an empty L is refused by both 1-d poolings, unbatched too.
            assertThrows(IllegalArgumentException.class, () -> clpool.adaptiveMaxPool1d(Tensor.of(new float[0], 3, 0), OutputSize.of(2)));
            assertThrows(IllegalArgumentException.class, () -> clpool.adaptiveAvgPool1d(Tensor.of(new float[0], 3, 0), OutputSize.of(2)));
            // Batched avg 1-d allows C = 0 (only L is checked); max 1-d does not.
            assertEquals(Shape.of(2, 0, 3), clpool.adaptiveAvgPool1d(Tensor.of(new float[0], 2, 0, 5), OutputSize.of(3)).shape());
            assertThrows(IllegalArgumentException.class, () -> clpool.adaptiveMaxPool1d(Tensor.of(new float[0], 2, 0, 5), OutputSize.of(3)));
        }
    }
}
