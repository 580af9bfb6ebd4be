package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.LaunchLog;
import dev.clpool.testing.Reference;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Java path's loops, each reached on purpose, against pooling written here from the definition: the
 * identity copy, the whole-plane average (1x1), planes pooled in groups side by side and the planes left
 * over, bins of whole rows, 3-d and 1-d, channels last (a full block of channels and a partial one), float64,
 * float16 and bfloat16 (through scratch), direct buffers and mixed storage. Each case first checks, by the
 * loop's name and its launch line, that it runs the loop it is meant for, so that a shape that stopped
 * reaching a loop fails here instead of testing nothing.
 *
 * <p>The values are ties in every bin, NaN runs, signed zeros and infinities: a tie rule of {@code >=},
 * a max that drops NaN or keeps the first NaN, -0 turned to +0 (or kept by an average), a bin off by one or
 * another divide order each change the bits. Shapes are chosen by what they route through, not by how the
 * loops are written (group widths of 4 or 8, say), so the tests hold for any rewrite of the loops.
 */
class JavaPathLoopsTest {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;

    /** What the definition gives: values (float32, or float64 for a float64 input) and indices. */
    record Expected(Tensor values, Tensor indices) {
    }

    /**
     * PyTorch's pooling of a planar float32 or float64 input, from the definition: the bin's sum in the
     * input's precision in row-major order, divided by kd, kh, kw in turn; the max taking v when
     * {@code v > m} or v is NaN, from -inf at the bin's first index.
     */
    static Expected reference(Tensor input, AdaptivePool op) {
        int k = op.spatialRank();
        long[] shape = input.shape().toArray();
        int rank = shape.length;
        long[] in = {1, 1, 1};
        System.arraycopy(shape, rank - k, in, 3 - k, k);
        long[] resolved = op.outputSize().resolve(Arrays.copyOfRange(shape, rank - k, rank));
        long[] out = {1, 1, 1};
        System.arraycopy(resolved, 0, out, 3 - k, k);
        long[] outShape = shape.clone();
        System.arraycopy(resolved, 0, outShape, rank - k, k);
        int planes = (int) (input.elementCount() / (in[0] * in[1] * in[2]));
        int inPlane = (int) (in[0] * in[1] * in[2]);
        int outPlane = (int) (out[0] * out[1] * out[2]);
        boolean wide = input.dtype() == DType.FLOAT64;
        double[] x = wide ? input.doubles() : toDoubles(input.floats());
        double[] values = new double[planes * outPlane];
        long[] indices = new long[planes * outPlane];
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (long od = 0; od < out[0]; od++) {
                for (long oh = 0; oh < out[1]; oh++) {
                    for (long ow = 0; ow < out[2]; ow++, o++) {
                        long d0 = Reference.start(od, out[0], in[0]);
                        long d1 = Reference.end(od, out[0], in[0]);
                        long h0 = Reference.start(oh, out[1], in[1]);
                        long h1 = Reference.end(oh, out[1], in[1]);
                        long w0 = Reference.start(ow, out[2], in[2]);
                        long w1 = Reference.end(ow, out[2], in[2]);
                        float sum = 0f;
                        double wideSum = 0;
                        double max = Double.NEGATIVE_INFINITY;
                        long arg = (d0 * in[1] + h0) * in[2] + w0;
                        for (long d = d0; d < d1; d++) {
                            for (long h = h0; h < h1; h++) {
                                for (long w = w0; w < w1; w++) {
                                    long i = (d * in[1] + h) * in[2] + w;
                                    double v = x[(int) (p * inPlane + i)];
                                    sum += (float) v;
                                    wideSum += v;
                                    if (v > max || Double.isNaN(v)) {
                                        max = v;
                                        arg = i;
                                    }
                                }
                            }
                        }
                        boolean avg = op.mode() == PoolMode.AVG;
                        values[o] = !avg ? max : wide ? wideSum / (d1 - d0) / (h1 - h0) / (w1 - w0)
                                : sum / (float) (d1 - d0) / (float) (h1 - h0) / (float) (w1 - w0);
                        indices[o] = arg;
                    }
                }
            }
        }
        Shape s = Shape.of(outShape);
        Tensor v = wide ? Tensor.of(values, s) : Tensor.of(toFloats(values), s);
        return new Expected(v, Tensor.ofInt64(indices, s));
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i]; // exact: every value was a float
        }
        return f;
    }

    /**
     * Ties in every bin and hostile runs: values from {-1, -0, +0, 1} (so every bin of two or more cells
     * has a tie, and a zero tie is decided by sign), with runs of NaN and single infinities.
     */
    static Tensor ties(long seed, long... shape) {
        Random r = new Random(seed);
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            int pick = r.nextInt(40);
            x[i] = pick == 0 ? INF : pick == 1 ? -INF : new float[] {-1f, -0f, 0f, 1f}[pick % 4];
        }
        for (int run = 0; run < x.length / 64; run++) {
            int at = r.nextInt(x.length);
            for (int j = at; j < Math.min(x.length, at + 1 + r.nextInt(4)); j++) {
                x[j] = NAN;
            }
        }
        return Tensor.of(x, shape);
    }

    /** Runs {@code op} on the Java path, checks it ran a loop named as {@code loop} says, and compares with the definition. */
    private static void assertPools(Tensor input, AdaptivePool op, String loop, Expected expected, String what) {
        Clpool java = TestDevices.java();
        String name = java.kernelFor(input, op);
        assertTrue(name.matches(loop), what + ": runs " + name + ", expected a loop matching " + loop);
        PoolResult r;
        try (LaunchLog log = LaunchLog.capture()) {
            r = java.pool(input, op);
            assertEquals(name, String.join(",", log.kernelsOn("Java")), what + ": the launch line names the loop");
        }
        StorageAssert.assertBitExact(expected.values(), r.values(), what + ", values");
        if (op.withIndices()) {
            StorageAssert.assertBitExact(expected.indices(), r.indices(), what + ", indices");
        }
    }

    private static void assertPools(Tensor input, AdaptivePool op, String loop, String what) {
        assertPools(input, op, loop, reference(input, op), what);
    }

    private static AdaptivePool max(int rank, long... size) {
        return AdaptivePool.max(rank, OutputSize.of(size), true);
    }

    private static AdaptivePool avg(int rank, long... size) {
        return AdaptivePool.avg(rank, OutputSize.of(size));
    }

    @Test
    void identityCopiesKeepMaxBitsAndTurnAverageMinusZeroToPlusZero() {
        Tensor x = ties(1, 2, 3, 4, 5);
        assertPools(x, max(2, 4, 5), "copy", "identity max");
        assertPools(x, avg(2, 4, 5), "copy", "identity avg");
        float[] avg = TestDevices.java().adaptiveAvgPool2d(Tensor.of(new float[] {-0f, 0f}, 1, 1, 2), OutputSize.of(1, 2)).floats();
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(avg[0]), "(0 + -0) / 1 / 1 is +0");
    }

    @Test
    void wholePlaneAveragesSumEachPlaneInOrder() {
        // 10 planes: whole groups and leftovers for any group width up to 8.
        assertPools(ties(2, 2, 5, 6, 7), avg(2, 1), "avg-whole-planes\\d+", "1x1 avg of 10 planes");
        assertPools(ties(3, 3, 2, 5, 6, 7), avg(3, 1), "avg-whole-planes\\d+", "1x1x1 avg, 3-d");
        // Sums whose order shows: 2^24 + 1 + 1 is 2^24 in float32 from the left, 2^24 + 2 from the right.
        float[] x = new float[11 * 3];
        for (int p = 0; p < 11; p++) {
            x[3 * p] = 16777216f;
            x[3 * p + 1] = 1f;
            x[3 * p + 2] = 1f;
        }
        Tensor t = Tensor.of(x, 11, 1, 3);
        assertPools(t, avg(2, 1), "avg-whole-planes\\d+", "order of the sum");
        assertEquals(16777216f / 3f, TestDevices.java().adaptiveAvgPool2d(t, OutputSize.of(1)).floats()[10], "the last plane too");
    }

    @Test
    void planesInGroupsAndTheLeftoverPlanesKeepTheTieAndNaNRules() {
        // 11 planes: groups of 4 or 8 side by side, and 3 left over; overlapping bins (9 -> 4, 10 -> 3).
        Tensor x = ties(4, 11, 9, 10);
        assertPools(x, max(2, 4, 3), "max-\\S+", "max, 11 planes");
        assertPools(x, avg(2, 4, 3), "avg-\\S+", "avg, 11 planes");
        // Bins as wide as the plane: runs of whole rows.
        assertPools(x, max(2, 3, 1), "max-\\S+", "max of whole rows");
        assertPools(x, avg(2, 3, 1), "avg-\\S+", "avg of whole rows");
        assertPools(ties(5, 3, 9, 10), max(2, 4, 3), "max-\\S+", "max, 3 planes (only leftovers)");
    }

    /**
     * 11 planes of {@code h x w}, each constant or a short repeated pattern, so that every bin of every plane
     * is a tie: a loop that takes the last of a tie, or mixes up its planes' indices, changes an index or a
     * zero's sign.
     */
    static Tensor tiedPlanes(long h, long w) {
        float[][] patterns = {{2f}, {-0f, 0f}, {0f, -0f}, {-INF}, {INF}, {-3f}, {1f, 1f, 0f}, {-0f}, {5f, 5f, 5f, 4f}, {0f}, {-1f, -1f}};
        int cells = Math.toIntExact(h * w);
        float[] x = new float[patterns.length * cells];
        for (int p = 0; p < patterns.length; p++) {
            for (int i = 0; i < cells; i++) {
                x[p * cells + i] = patterns[p][i % patterns[p].length];
            }
        }
        return Tensor.of(x, 1, patterns.length, h, w);
    }

    /** 9 planes of 1 x 8, each with two NaN at places that differ between planes, and a 9 after them. */
    static Tensor nanRuns() {
        float[] x = new float[9 * 8];
        for (int p = 0; p < 9; p++) {
            x[p * 8 + (p % 4)] = NAN;
            x[p * 8 + 4 + (p % 3)] = NAN;
            x[p * 8 + 7] = 9f;
        }
        return Tensor.of(x, 9, 1, 8);
    }

    @Test
    void planesSideBySideEachKeepTheFirstOfEveryTie() {
        Tensor t = tiedPlanes(6, 7);
        assertPools(t, max(2, 4, 3), "max-\\S+", "ties in every bin of 11 planes");
        assertPools(t, max(2, 2, 1), "max-\\S+", "ties in whole rows of 11 planes");
        PoolResult r = TestDevices.java().adaptiveMaxPool2d(t, OutputSize.of(4, 3));
        assertEquals(4, r.indices().int64s()[2], "plane 0 (all 2), bin (0, 2): W 7 -> 3 starts at w = 4, its first cell");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(r.values().floats()[12]), "plane 1 (-0, +0, ...): the first zero");
    }

    @Test
    void nanRunsGiveTheLastNaNInEveryPlaneOfAGroup() {
        Tensor t = nanRuns();
        long[] indices = TestDevices.java().adaptiveMaxPool2d(t, OutputSize.of(1, 1)).indices().int64s();
        for (int p = 0; p < 9; p++) {
            assertEquals(4 + (p % 3), indices[p], "plane " + p + ": the last NaN");
        }
        assertPools(t, max(2, 1, 3), "max-\\S+", "NaN runs in 9 planes");
    }

    @Test
    void threeAndOneDimensionalPlanes() {
        assertPools(ties(6, 2, 3, 5, 6, 7), max(3, 2, 4, 3), "max-\\S+", "3-d max");
        assertPools(ties(7, 2, 3, 5, 6, 7), avg(3, 2, 4, 3), "avg-\\S+", "3-d avg");
        assertPools(ties(8, 3, 4, 11), max(1, 5), "max-\\S+", "1-d max");
        assertPools(ties(9, 3, 4, 11), avg(1, 5), "avg-\\S+", "1-d avg");
    }

    /**
     * The 8-plane loops in 3-d, where every bin also spans depth (so a divide by its depth, or a depth offset, shows),
     * and the row loops, which take planes whose offset tables would pass a million entries, in 2-d and 3-d. The
     * averages read finite values: a bin of many {@link #ties} cells holds +inf and -inf, and its NaN would hide
     * any change to the sum.
     */
    @Test
    void eightPlaneLoopsInThreeDimensionsAndTheRowLoops() {
        assertPools(finite(16, 3, 4, 5, 6, 7), avg(3, 2, 4, 3), "avg-bins8", "3-d avg, 12 planes");
        assertPools(ties(17, 3, 4, 5, 6, 7), max(3, 2, 4, 3), "max-\\S+", "3-d max, 12 planes");
        assertPools(finite(18, 3, 4, 5, 6, 7), avg(3, 1, 1, 1), "avg-whole-planes8", "3-d global avg, 12 planes");
        // 17 planes: two runs of 8 side by side (the second starting at plane 8) and one plane left over.
        Tensor rows2d = finite(19, 1, 17, 1030, 1030);
        assertPools(rows2d, avg(2, 2, 3), "avg-rows8", "2-d avg, planes of 1030x1030");
        assertPools(rows2d, avg(2, 3, 1), "avg-rows8", "2-d avg of whole rows, planes of 1030x1030");
        Tensor rows2dMax = firstPlaneLargest(finite(20, 1, 17, 1030, 1030));
        assertPools(rows2dMax, max(2, 2, 3), "max-rows8", "2-d max, planes of 1030x1030");
        assertPools(rows2dMax, max(2, 3, 1), "max-rows8", "2-d max of whole rows, planes of 1030x1030");
        assertPools(finite(21, 17, 1, 3, 400, 1000), avg(3, 2, 2, 3), "avg-rows8", "3-d avg, planes of 3x400x1000");
        assertPools(firstPlaneLargest(finite(22, 17, 1, 3, 400, 1000)), max(3, 2, 2, 3), "max-rows8",
                "3-d max, planes of 3x400x1000");
    }

    /**
     * {@code t} with its first plane all 100, above the others' finite values: a lane that began its scan from
     * another plane's element would keep 100.
     */
    private static Tensor firstPlaneLargest(Tensor t) {
        float[] x = t.floats();
        Arrays.fill(x, 0, Math.toIntExact(t.elementCount() / (t.shape().dim(0) * t.shape().dim(1))), 100f);
        return t;
    }

    /** Finite values whose sums depend on every element and its sign: -1, -0, +0, 1 and 1/1024. */
    private static Tensor finite(long seed, long... shape) {
        Random r = new Random(seed);
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = new float[] {-1f, -0f, 0f, 1f, 0x1p-10f}[r.nextInt(5)];
        }
        return Tensor.of(x, shape);
    }

    @Test
    void float64PoolsInDouble() {
        // Values that round differently in float: the sums must be double's.
        Random r = new Random(10);
        double[] x = new double[2 * 3 * 5 * 6 * 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(8) == 0 ? Double.NaN : r.nextInt(3) == 0 ? r.nextInt(3) - 1 : 1 + r.nextDouble() * 1e-12;
        }
        Tensor t = Tensor.of(x, 2, 3, 5, 6, 7);
        assertPools(t, max(3, 2, 4, 3), "max-\\S+", "float64 3-d max");
        assertPools(t, avg(3, 2, 4, 3), "avg-\\S+", "float64 3-d avg");
        Tensor planar = Tensor.of(Arrays.copyOf(x, 6 * 5 * 6 * 7), 6, 5, 6 * 7);
        assertPools(planar, avg(2, 3, 1), "avg-\\S+", "float64 2-d avg of whole rows");
        assertPools(planar, avg(2, 1), "avg-float64", "float64 1x1 avg");
        assertPools(planar, max(2, 5, 42), "max-float64", "float64 identity (the float64 loops pool every plan)");
        double[] negInf = new double[2 * 5 * 6 * 7];
        Arrays.fill(negInf, Double.NEGATIVE_INFINITY);
        assertPools(Tensor.of(negInf, 2, 5, 6, 7), max(3, 2, 4, 3), "max-\\S+", "float64 all -inf: each bin's first index");
    }

    /** float16 and bfloat16 pool as PyTorch: widened to float, pooled, each result rounded once. */
    @Test
    void halfPrecisionsPoolInFloatAndRoundOnce() {
        Tensor x = ties(11, 2, 5, 9, 10);
        float[] f = x.floats();
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i] * 1.375f + (i % 5) * 0.0625f; // averages that need rounding to 11 or 8 bits
        }
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            Tensor half = x.to(dtype);
            for (AdaptivePool op : new AdaptivePool[] {max(2, 4, 3), avg(2, 4, 3), avg(2, 1)}) {
                Expected wide = reference(half.to(DType.FLOAT32), op);
                assertPools(half, op, op.mode().label() + "-\\S+",
                        new Expected(wide.values().to(dtype), wide.indices()), dtype + " " + op);
            }
        }
    }

    /**
     * Channels last: 20 channels, a full block of 16 and 4 more, each pooled as its plane (averages other than
     * float64 summed along the channels).
     */
    @Test
    void channelsLastBlocksPoolEachChannelAsItsPlane() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            Tensor planar = ties(12, 2, 20, 5, 6).to(dtype);
            Tensor nhwc = planar.toLayout(Layout.CHANNELS_LAST);
            for (AdaptivePool op : new AdaptivePool[] {max(2, 3, 4), avg(2, 3, 4), avg(2, 1), max(2, 5, 6)}) {
                PoolResult r = TestDevices.java().pool(nhwc, op);
                String loop = TestDevices.java().kernelFor(nhwc, op);
                boolean alongChannels = op.mode() == PoolMode.AVG && dtype != DType.FLOAT64;
                assertTrue(alongChannels ? loop.equals("channels-last-avg") : loop.startsWith("channels-last-blocks/"), loop);
                assertEquals(Layout.CHANNELS_LAST, r.values().layout());
                PoolResult expected = TestDevices.java().pool(planar, op);
                String what = dtype + " channels last " + op;
                StorageAssert.assertBitExact(expected.values(), r.values().toLayout(Layout.CONTIGUOUS), what);
                if (op.withIndices()) {
                    StorageAssert.assertBitExact(expected.indices(), r.indices().toLayout(Layout.CONTIGUOUS), what + ", indices");
                }
            }
        }
        Tensor planar = ties(13, 2, 20, 5, 6);
        StorageAssert.assertBitExact(reference(planar, max(2, 3, 4)).values(),
                TestDevices.java().pool(planar, max(2, 3, 4)).values(), "the planar result the blocks are held to");
    }

    /**
     * Channels last in 3-d (N, D, H, W, C), two batch elements, bins that overlap along every axis: averages summed
     * along the channels from a float32 array in place, and from float16 and a direct buffer through the band of
     * input rows staged per output row; max through the blocks. All the definition's bits, element by element.
     */
    @Test
    void channelsLastThreeDimensionalBinsKeepTheDefinitionsBits() {
        Tensor planar = ties(15, 2, 20, 5, 7, 6);
        for (AdaptivePool op : new AdaptivePool[] {avg(3, 3, 4, 4), avg(3, 2, 1, 5), avg(3, 2, 2, 3), max(3, 3, 4, 4)}) {
            for (String storage : new String[] {"float32", "float16", "direct"}) {
                Tensor in = switch (storage) {
                    case "float16" -> planar.to(DType.FLOAT16);
                    case "direct" -> planar.toDirect();
                    default -> planar;
                };
                Tensor nhwc = in.toLayout(Layout.CHANNELS_LAST);
                String loop = TestDevices.java().kernelFor(nhwc, op);
                String what = storage + " channels last " + op;
                assertTrue(op.mode() == PoolMode.AVG ? loop.equals("channels-last-avg") : loop.startsWith("channels-last-blocks/max-"),
                        what + ": runs " + loop);
                Expected expected = reference(in.to(DType.FLOAT32).toLayout(Layout.CONTIGUOUS), op);
                PoolResult r = TestDevices.java().pool(nhwc, op);
                Tensor values = r.values().toLayout(Layout.CONTIGUOUS).to(DType.FLOAT32);
                Tensor want = storage.equals("float16") ? expected.values().to(DType.FLOAT16).to(DType.FLOAT32) : expected.values();
                StorageAssert.assertBitExact(want, values, what);
                if (op.withIndices()) {
                    StorageAssert.assertBitExact(expected.indices(), r.indices().toLayout(Layout.CONTIGUOUS), what + ", indices");
                }
            }
        }
    }

    /**
     * Buffers and mixed storage: a direct input, and every mix of heap and direct input, values and indices
     * through {@code poolInto}, with enough planes for several scratch blocks; all the bits of the heap call.
     */
    @Test
    void directBuffersAndMixedStoragePoolToTheBitsOfArrays() {
        Clpool java = TestDevices.java();
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            Tensor heap = ties(14, 90, 64, 128).to(dtype);
            Tensor direct = heap.toDirect();
            for (AdaptivePool op : new AdaptivePool[] {max(2, 5, 3), avg(2, 5, 3), avg(2, 1), max(2, 64, 128)}) {
                PoolResult expected = java.pool(heap, op);
                String what = dtype + " " + op;
                PoolResult r = java.pool(direct, op);
                assertTrue(r.values().isDirect(), what + ": results in the input's kind of storage");
                StorageAssert.assertBitExact(expected.values(), r.values(), what + ", direct");
                Shape out = expected.values().shape();
                for (int mix = 0; mix < 8; mix++) { // bit 0: direct input, 1: direct values, 2: direct indices
                    Tensor in = (mix & 1) != 0 ? direct : heap;
                    Tensor values = (mix & 2) != 0 ? Tensor.allocateDirect(dtype, out) : Tensor.zeros(dtype, out, Layout.CONTIGUOUS);
                    Tensor indices = !op.withIndices() ? null
                            : (mix & 4) != 0 ? Tensor.allocateDirect(DType.INT64, out) : Tensor.zeros(DType.INT64, out, Layout.CONTIGUOUS);
                    java.poolInto(in, op, values, indices);
                    StorageAssert.assertBitExact(expected.values(), values, what + ", mix " + mix);
                    if (indices != null) {
                        StorageAssert.assertBitExact(expected.indices(), indices, what + ", mix " + mix + ", indices");
                    }
                }
            }
        }
    }
}
