package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.OpenClBackend;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.spi.Backend;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.LaunchLog;
import dev.clpool.testing.Reference;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.SpyBackend;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import dev.clpool.testing.Torch;
import dev.clpool.testing.TorchOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward passes (the gradient with respect to the input) on both paths:
 * <ul>
 *   <li>against PyTorch's autograd (libtorch 2.7.1 CPU through DJL's GradientCollector) on random 1-d,
 *       2-d and 3-d cases: bit-exact, because clpool's gather sums each input cell's contributions in
 *       the order libtorch's CPU kernels scatter them (output cells in row-major order, from +0, avg's
 *       share {@code g / kd / kh / kw}); within float32 tolerance only for avg to an all-ones output,
 *       where libtorch's forward is {@code mean()} and so is its backward ({@code g / (D*H*W)});</li>
 *   <li>against a plain scatter written here from the definition, bit for bit, all-ones outputs too;</li>
 *   <li>the OpenCL path bit-identical to the Java path, and to itself run after run;</li>
 *   <li>the checks: gradient and index shapes, dtypes, indices outside their bins.</li>
 * </ul>
 */
class BackwardTest {
    static final int CASES = 150;

    /** A random forward pooling and an incoming gradient, with libtorch's gradient for it. */
    record Case(int number, AdaptivePool op, long[] shape, float[] x, float[] gradOutput, long[] outShape, Torch.Outcome torch) {
        boolean batched() {
            return shape.length == op.spatialRank() + 2;
        }

        boolean allOnesOutput() {
            for (int a = 0; a < op.spatialRank(); a++) {
                if (outShape[outShape.length - 1 - a] != 1) {
                    return false;
                }
            }
            return true;
        }

        String describe(long seed) {
            return Seeds.describe(seed) + ", case " + number + ": " + op + " of " + Arrays.toString(shape)
                    + " -> " + Arrays.toString(outShape);
        }
    }

    static long seed;
    static List<Case> cases;

    @BeforeAll
    static void generate() {
        seed = Seeds.seed("BackwardTest");
        Random r = new Random(seed);
        cases = new ArrayList<>();
        try (Clpool java = Clpool.open(DeviceSelector.java())) {
            for (int k = 0; k < CASES; k++) {
                cases.add(randomCase(r, k, java));
            }
        }
    }

    static int between(Random r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    static Case randomCase(Random r, int number, Clpool java) {
        int rank = 1 + number % 3;
        PoolMode mode = number % 6 < 3 ? PoolMode.AVG : PoolMode.MAX;
        boolean batched = r.nextInt(4) != 0;
        long[] spatial = new long[rank];
        Long[] out = new Long[rank];
        for (int a = 0; a < rank; a++) {
            spatial[a] = rank == 1 ? between(r, 1, 40) : rank == 2 ? between(r, 1, 14) : between(r, 1, 7);
            int pick = r.nextInt(10);
            out[a] = pick == 0 ? null : pick < 3 ? spatial[a] + between(r, 1, 6) : pick == 3 ? 1L
                    : (long) between(r, 1, (int) spatial[a]);
        }
        long c = between(r, 1, 3);
        long[] shape = batched ? Pool1d3dTest.prepend(between(r, 1, 2), Pool1d3dTest.prepend(c, spatial))
                : Pool1d3dTest.prepend(c, spatial);
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        boolean ties = r.nextInt(3) == 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = ties ? between(r, -1, 1) : r.nextInt(25) == 0 ? Float.NaN : (float) r.nextGaussian();
        }
        AdaptivePool op = new AdaptivePool(mode, rank, OutputSize.ofNullable(out), false);
        long[] outShape = java.pool(Tensor.of(x, shape), op).values().shape().toArray();
        float[] g = new float[Math.toIntExact(Shape.of(outShape).elementCount())];
        for (int i = 0; i < g.length; i++) {
            g[i] = r.nextInt(30) == 0 ? new float[] {-0f, Float.POSITIVE_INFINITY, 1e-40f, 3e38f}[r.nextInt(4)]
                    : (float) r.nextGaussian() * 3;
        }
        long[] torchShape = batched ? shape : Pool1d3dTest.prepend(1, shape);
        long[] size = Arrays.copyOfRange(outShape, outShape.length - rank, outShape.length);
        return new Case(number, op, shape, x, g, outShape, TorchOps.backward(mode, x, torchShape, size, g));
    }

    /** The gradient on {@code clpool}: for max, from the indices of its own forward pass. */
    static Tensor gradient(Clpool clpool, AdaptivePool op, long[] shape, float[] x, float[] g, long[] outShape) {
        Shape input = Shape.of(shape);
        Tensor gradOutput = Tensor.of(g, outShape);
        if (op.mode() == PoolMode.AVG) {
            return clpool.backward(op, input, gradOutput);
        }
        PoolResult forward = clpool.pool(Tensor.of(x, shape), new AdaptivePool(op.mode(), op.spatialRank(), op.outputSize(), true));
        return clpool.backward(op, input, gradOutput, forward.indices());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void randomCasesMatchPyTorchAutograd(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        int exact = 0;
        for (Case k : cases) {
            String what = clpool.device() + ", " + k.describe(seed);
            assertTrue(!k.torch().refused(), () -> what + ": libtorch refused: " + k.torch());
            float[] g = k.gradOutput().clone();
            Tensor grad = gradient(clpool, k.op(), k.shape(), k.x(), g, k.outShape());
            assertArrayEquals(k.gradOutput(), g, what + ": gradOutput was modified");
            Tensor torch = Tensor.of(k.torch().values(), k.shape());
            if (k.op().mode() == PoolMode.AVG && k.allOnesOutput()) {
                TensorAssert.assertClose(torch, grad, what + " (libtorch's mean() backward)");
            } else {
                TensorAssert.assertBitExact(torch, grad, what);
                exact++;
            }
        }
        assertTrue(exact > CASES / 2, exact + " bit-exact comparisons of " + CASES);
    }

    /** The gradient by the definition: a scatter over the output cells in row-major order, from +0. */
    static float[] scatter(AdaptivePool op, long[] shape, float[] g, long[] indices) {
        int rank = op.spatialRank();
        long[] in = Pool1d3dTest.volume(Arrays.copyOfRange(shape, shape.length - rank, shape.length));
        long[] resolved = op.outputSize().resolve(Arrays.copyOfRange(shape, shape.length - rank, shape.length));
        long[] out = Pool1d3dTest.volume(resolved);
        int inPlane = (int) (in[0] * in[1] * in[2]);
        int outPlane = (int) (out[0] * out[1] * out[2]);
        float[] grad = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        int planes = inPlane == 0 ? 0 : grad.length / inPlane;
        for (int p = 0; p < planes; p++) {
            int o = 0;
            for (long od = 0; od < out[0]; od++) {
                for (long oh = 0; oh < out[1]; oh++) {
                    for (long ow = 0; ow < out[2]; ow++, o++) {
                        float v = g[p * outPlane + o];
                        if (op.mode() == PoolMode.MAX) {
                            grad[p * inPlane + (int) indices[p * outPlane + o]] += v;
                            continue;
                        }
                        long d0 = Reference.start(od, out[0], in[0]);
                        long d1 = Reference.end(od, out[0], in[0]);
                        long h0 = Reference.start(oh, out[1], in[1]);
                        long h1 = Reference.end(oh, out[1], in[1]);
                        long w0 = Reference.start(ow, out[2], in[2]);
                        long w1 = Reference.end(ow, out[2], in[2]);
                        float delta = v / (d1 - d0) / (h1 - h0) / (w1 - w0);
                        for (long d = d0; d < d1; d++) {
                            for (long h = h0; h < h1; h++) {
                                for (long w = w0; w < w1; w++) {
                                    grad[p * inPlane + (int) ((d * in[1] + h) * in[2] + w)] += delta;
                                }
                            }
                        }
                    }
                }
            }
        }
        return grad;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void randomCasesEqualTheScatterOfTheDefinition(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Clpool java = TestDevices.java();
        for (Case k : cases) {
            String what = clpool.device() + ", " + k.describe(seed);
            long[] indices = k.op().mode() == PoolMode.MAX
                    ? java.pool(Tensor.of(k.x(), k.shape()), AdaptivePool.max(k.op().spatialRank(), k.op().outputSize(), true))
                            .indices().int64s()
                    : null;
            Tensor expected = Tensor.of(scatter(k.op(), k.shape(), k.gradOutput(), indices), k.shape());
            TensorAssert.assertBitExact(expected, gradient(clpool, k.op(), k.shape(), k.x(), k.gradOutput(), k.outShape()), what);
        }
    }

    @Test
    void openClIsBitIdenticalToJavaAndToItselfRunAfterRun() {
        Clpool cl = TestDevices.openCl();
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ 0xbac4);
        // Heavy overlap (upsampling and non-divisible bins): many output cells reach each input cell.
        for (int k = 0; k < 12; k++) {
            int rank = 1 + k % 3;
            long[] spatial = new long[rank];
            long[] out = new long[rank];
            for (int a = 0; a < rank; a++) {
                spatial[a] = rank == 3 ? between(r, 3, 9) : between(r, 5, 40);
                out[a] = r.nextBoolean() ? spatial[a] * 2 + between(r, 1, 5) : between(r, 2, (int) spatial[a]);
            }
            long[] shape = Pool1d3dTest.prepend(between(r, 1, 6), spatial);
            float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(3) - 1; // ties, so that max indices repeat
            }
            for (PoolMode mode : PoolMode.values()) {
                AdaptivePool op = new AdaptivePool(mode, rank, OutputSize.of(out), false);
                long[] outShape = java.pool(Tensor.of(x, shape), op).values().shape().toArray();
                float[] g = new float[Math.toIntExact(Shape.of(outShape).elementCount())];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) Math.scalb(r.nextGaussian(), r.nextInt(40) - 20); // sums that round differently per order
                }
                String what = Seeds.describe(seed) + ", " + op + " of " + Arrays.toString(shape);
                Tensor expected = gradient(java, op, shape, x, g, outShape);
                for (int run = 0; run < 3; run++) {
                    try (LaunchLog log = LaunchLog.capture()) {
                        TensorAssert.assertBitExact(expected, gradient(cl, op, shape, x, g, outShape), what + ", run " + run);
                        // The device's gather computed it, not a fallback elsewhere.
                        assertTrue(log.kernelsOn(cl.openClDevices().get(0).describe()).contains("backward_gather"),
                                what + ": launches " + log.lines());
                    }
                }
            }
        }
    }

    @Test
    void planesSplitIntoChunksGiveTheSameBits() {
        TestDevices.openCl();
        Clpool java = TestDevices.java();
        // An 8 KiB allocation cap: the 8 planes of 30x30 gradients go through the device two at a time.
        try (Clpool cl = Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withMaxAllocationBytes(8192))) {
            Random r = new Random(seed ^ 0xc4);
            long[] shape = {2, 4, 30, 30};
            float[] x = new float[7200];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            for (PoolMode mode : PoolMode.values()) {
                AdaptivePool op = new AdaptivePool(mode, 2, OutputSize.of(7, 11), false);
                long[] outShape = {2, 4, 7, 11};
                float[] g = new float[2 * 4 * 7 * 11];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) r.nextGaussian();
                }
                TensorAssert.assertBitExact(gradient(java, op, shape, x, g, outShape), gradient(cl, op, shape, x, g, outShape),
                        Seeds.describe(seed) + ", " + mode.label() + " in chunks");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void byHand(TestDevices.EngineSource engine) {
        Clpool c = engine.get();
        // 5 -> 3 bins [0,2) [1,4) [3,5): cell 1 gets 6/2 + 9/3, cell 3 gets 9/3 + 4/2.
        Tensor grad = c.backward(AdaptivePool.avg1d(OutputSize.of(3)), Shape.of(1, 5), Tensor.of(new float[] {6, 9, 4}, 1, 3));
        assertEquals("[3.0, 6.0, 3.0, 5.0, 2.0]", Arrays.toString(grad.floats()));
        // Max: two output cells with the same index add up; the others get 0.
        grad = c.backward(AdaptivePool.max1d(OutputSize.of(3), true), Shape.of(1, 5), Tensor.of(new float[] {6, 9, 4}, 1, 3),
                Tensor.ofInt64(new long[] {1, 1, 4}, Shape.of(1, 3)));
        assertEquals("[0.0, 15.0, 0.0, 0.0, 4.0]", Arrays.toString(grad.floats()));
        // 2-d conveniences, upsampling 1x2 -> 2x4: each input cell gathers four output cells.
        grad = c.adaptiveAvgPool2dBackward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 4), Shape.of(1, 1, 2));
        assertEquals("[14.0, 22.0]", Arrays.toString(grad.floats()));
        grad = c.adaptiveMaxPool2dBackward(Tensor.of(new float[] {1, 2}, 1, 1, 2), Shape.of(1, 2, 2),
                Tensor.ofInt64(new long[] {2, 1}, Shape.of(1, 1, 2)));
        assertEquals("[0.0, 2.0, 1.0, 0.0]", Arrays.toString(grad.floats()));
        // 3-d: a 2x2x2 volume to 1: each cell gets g / 2 / 2 / 2.
        grad = c.backward(AdaptivePool.avg3d(OutputSize.of(1)), Shape.of(1, 2, 2, 2), Tensor.of(new float[] {8}, 1, 1, 1, 1));
        float[] ones = new float[8];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, grad.floats());
    }

    @Test
    void coveringRunsAreExactlyTheBinsThatContainEachCell() {
        for (long in = 1; in <= 40; in++) {
            for (long out = 1; out <= 40; out++) {
                AxisBins bins = new AxisBins(in, out);
                AxisBins covering = BackwardPlan.covering(bins);
                for (long i = 0; i < in; i++) {
                    long first = -1;
                    long end = -1;
                    for (long o = 0; o < out; o++) {
                        if (Reference.start(o, out, in) <= i && i < Reference.end(o, out, in)) {
                            first = first < 0 ? o : first;
                            end = o + 1;
                        }
                    }
                    String what = in + " -> " + out + ", input " + i;
                    assertEquals(first, BackwardPlan.firstCovering(covering, i), what);
                    assertEquals(end, BackwardPlan.endCovering(covering, i), what);
                }
            }
        }
    }

    // ---------------------------------------------------------------- checks

    @Test
    void badArgumentsAreRefusedBeforeAnyBackendWork() {
        try (Clpool c = Clpool.using(SpyBackend.forbidding())) {
            AdaptivePool avg = AdaptivePool.avg2d(OutputSize.of(2, 3));
            AdaptivePool max = AdaptivePool.max2d(OutputSize.of(2, 3), true);
            Shape in = Shape.of(1, 4, 6);
            Tensor g = Tensor.of(new float[6], 1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.backward(avg, in, Tensor.of(new float[6], 1, 3, 2)));
            assertTrue(e.getMessage().startsWith("gradOutput: shape [1, 3, 2]") && e.getMessage().contains("[1, 2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.backward(max, in, g));
            assertTrue(e.getMessage().startsWith("indices:") && e.getMessage().contains("adaptive_max_pool2d"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.backward(avg, in, g, Tensor.ofInt64(new long[6], Shape.of(1, 2, 3))));
            assertTrue(e.getMessage().startsWith("indices:"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.backward(max, in, g, Tensor.ofInt64(new long[6], Shape.of(6))));
            assertTrue(e.getMessage().contains("int64 shaped [1, 2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.backward(max, in, g, Tensor.of(new float[6], 1, 2, 3)));
            assertTrue(e.getMessage().contains("float32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.backward(avg, Shape.of(4, 6), Tensor.of(new float[6], 2, 3)));
            assertTrue(e.getMessage().contains("adaptive_avg_pool2d") && e.getMessage().contains("rank 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.adaptiveAvgPool2dBackward(Tensor.of(new float[2], 2), in));
            assertTrue(e.getMessage().startsWith("gradOutput:"), e.getMessage());
            assertThrows(NullPointerException.class, () -> c.backward(null, in, g));
            // Bins of 4 -> 2 rows: [0,2) [2,4); 6 -> 3 columns: [0,2) [2,4) [4,6). Index 13 is row 2, column 1:
            // outside the bin of output cell 0 (rows [0,2), columns [0,2)).
            long[] indices = {13, 2, 4, 12, 15, 17};
            e = assertThrows(IllegalArgumentException.class, () -> c.backward(max, in, g, Tensor.ofInt64(indices, Shape.of(1, 2, 3))));
            assertTrue(e.getMessage().startsWith("indices: element 0 is 13, outside the bin") && e.getMessage().contains("h in [0, 2), w in [0, 2)"),
                    e.getMessage());
            long[] negative = {-1, 2, 4, 12, 15, 17};
            assertThrows(IllegalArgumentException.class, () -> c.backward(max, in, g, Tensor.ofInt64(negative, Shape.of(1, 2, 3))));
            // Nothing to compute: zeros without the backend, for a zero output size or an empty batch.
            Tensor zeros = c.backward(AdaptivePool.avg2d(OutputSize.of(0, 3)), in, Tensor.of(new float[0], 1, 0, 3));
            assertArrayEquals(new float[24], zeros.floats());
            assertEquals(Shape.of(0, 1, 4, 6), c.backward(avg, Shape.of(0, 1, 4, 6), Tensor.of(new float[0], 0, 1, 2, 3)).shape());
        }
        Clpool closed = Clpool.open(DeviceSelector.java());
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.backward(AdaptivePool.avg1d(OutputSize.of(1)), Shape.of(1, 2),
                Tensor.of(new float[1], 1, 1)));
    }

    @Test
    void checksAndTrivialPlansNeverReachTheBackend() {
        try (Clpool c = Clpool.using(SpyBackend.forbidding())) {
            Shape in = Shape.of(1, 4, 6);
            AdaptivePool max = AdaptivePool.max2d(OutputSize.of(2, 3), true);
            assertThrows(IllegalArgumentException.class, () -> c.backward(max, in, Tensor.of(new float[6], 1, 2, 3),
                    Tensor.ofInt64(new long[] {13, 2, 4, 12, 15, 17}, Shape.of(1, 2, 3))));
            assertThrows(IllegalArgumentException.class, () -> c.backward(AdaptivePool.avg2d(OutputSize.of(2, 3)), in,
                    Tensor.of(new float[6], 2, 3)));
            assertArrayEquals(new float[24], c.backward(AdaptivePool.avg2d(OutputSize.of(0, 3)), in,
                    Tensor.of(new float[0], 1, 0, 3)).floats());
            assertEquals(0, c.backward(max, Shape.of(0, 1, 4, 6), Tensor.of(new float[0], 0, 1, 2, 3),
                    Tensor.ofInt64(new long[0], Shape.of(0, 1, 2, 3))).elementCount());
        }
    }

    @Test
    void theBackendsOwnBackwardRunsAndNothingElse() {
        // The SPI computes nothing itself: a backend's backward pass is the one that runs (no hidden Java fallback).
        SpyBackend backend = SpyBackend.counting();
        try (Clpool spy = Clpool.using(backend)) {
            Tensor grad = spy.backward(AdaptivePool.avg1d(OutputSize.of(3)), Shape.of(1, 5), Tensor.of(new float[] {6, 9, 4}, 1, 3));
            assertEquals(1, backend.backwardCalls.get());
            assertEquals("[0.0, 0.0, 0.0, 0.0, 0.0]", Arrays.toString(grad.floats()), "the spy writes nothing");
        }
    }
}
