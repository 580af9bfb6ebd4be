package dev.clpool.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Reference;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Planning a valid input: output shape, plane count, the three axes (D an identity of size 1 for 2-d),
 * "none" resolution, and bins for 64-bit sizes, without allocating anything input-sized.
 */
class PoolPlanTest {

    static PoolPlan avg(OutputSize s, long... shape) {
        return PoolPlan.of(Shape.of(shape), AdaptivePool.avg2d(s));
    }

    static PoolPlan max(OutputSize s, long... shape) {
        return PoolPlan.of(Shape.of(shape), AdaptivePool.max2d(s, true));
    }

    static void assertAxis(AxisBins axis, long in, long out) {
        assertEquals(in, axis.inputSize(), "input size of " + axis);
        assertEquals(out, axis.outputSize(), "output size of " + axis);
    }

    @Test
    void batchedPlan() {
        AdaptivePool op = AdaptivePool.avg2d(OutputSize.of(5, 7));
        PoolPlan p = PoolPlan.of(Shape.of(2, 3, 10, 9), op);
        assertSame(op, p.op());
        assertEquals(Shape.of(2, 3, 10, 9), p.inputShape());
        assertEquals(Shape.of(2, 3, 5, 7), p.outputShape());
        assertEquals(6, p.planes());
        assertAxis(p.depth(), 1, 1);
        assertTrue(p.depth().isIdentity());
        assertAxis(p.height(), 10, 5);
        assertAxis(p.width(), 9, 7);
        assertEquals(90, p.inputPlaneSize());
        assertEquals(35, p.outputPlaneSize());
        assertEquals(210, p.outputElements());
        assertFalse(p.isEmpty());
    }

    @Test
    void unbatchedPlanUsesCAsPlanes() {
        PoolPlan p = max(OutputSize.of(4), 3, 10, 9);
        assertEquals(Shape.of(3, 4, 4), p.outputShape());
        assertEquals(3, p.planes());
        assertAxis(p.height(), 10, 4);
        assertAxis(p.width(), 9, 4);
        assertEquals(48, p.outputElements());
    }

    @Test
    void noneKeepsTheInputSize() {
        PoolPlan p = avg(OutputSize.ofNullable(null, 7L), 1, 1, 10, 9);
        assertEquals(Shape.of(1, 1, 10, 7), p.outputShape());
        assertTrue(p.height().isIdentity());
        assertFalse(p.width().isIdentity());
        p = max(OutputSize.ofNullable(5L, null), 2, 10, 9);
        assertEquals(Shape.of(2, 5, 9), p.outputShape());
        assertTrue(p.width().isIdentity());
        p = avg(OutputSize.parse("none"), 2, 10, 9);
        assertEquals(Shape.of(2, 10, 9), p.outputShape(), "a uniform None keeps both axes");
    }

    @Test
    void upsamplingPlan() {
        PoolPlan p = avg(OutputSize.of(80, 60), 1, 64, 10, 9);
        assertEquals(Shape.of(1, 64, 80, 60), p.outputShape());
        assertAxis(p.height(), 10, 80);
        assertEquals(64L * 80 * 60, p.outputElements());
    }

    @Test
    void emptyPlans() {
        assertTrue(avg(OutputSize.of(2), 0, 3, 4, 4).isEmpty());
        assertEquals(0, avg(OutputSize.of(2), 0, 3, 4, 4).planes());
        assertTrue(max(OutputSize.of(0, 3), 1, 3, 4, 4).isEmpty());
        assertTrue(avg(OutputSize.of(2), 1, 0, 4, 4).isEmpty(), "avg allows C = 0");
        assertTrue(max(OutputSize.of(2), 0, 4, 4).isEmpty(), "unbatched max allows C = 0");
        assertFalse(max(OutputSize.of(1), 1, 1, 1, 1).isEmpty());
    }

    @Test
    void modeDecidesWhetherBatchedCMayBeEmpty() {
        // libtorch 2.7.1: avg checks the spatial dimensions only; max every dimension after the first.
        assertTrue(avg(OutputSize.of(2), 2, 0, 3, 3).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> max(OutputSize.of(2), 2, 0, 3, 3));
        assertTrue(e.getMessage().contains("adaptive_max_pool2d") && e.getMessage().contains("dimension 1"), e.getMessage());
        for (PoolMode mode : PoolMode.values()) {
            AdaptivePool op = new AdaptivePool(mode, 2, OutputSize.of(2), false);
            assertThrows(IllegalArgumentException.class, () -> PoolPlan.of(Shape.of(2, 3, 0, 3), op), mode.label());
            assertThrows(IllegalArgumentException.class, () -> PoolPlan.of(Shape.of(3, 3, 0), op), mode.label());
        }
    }

    @Test
    void sixtyFourBitSizesArePlannedWithoutAllocating() {
        // A 15e9-cell plane: no Java array could hold it, but planning is arithmetic only.
        PoolPlan p = avg(OutputSize.of(7, 3), 1, 1, 3_000_000_000L, 5);
        assertEquals(15_000_000_000L, p.inputPlaneSize());
        assertEquals(21, p.outputElements());
        for (long i = 0; i < 7; i++) {
            assertEquals(Reference.start(i, 7, 3_000_000_000L), p.height().start(i));
            assertEquals(Reference.end(i, 7, 3_000_000_000L), p.height().end(i));
        }
        // 2^40 planes.
        PoolPlan many = max(OutputSize.of(1), 1L << 20, 1L << 20, 2, 2);
        assertEquals(1L << 40, many.planes());
        assertEquals(1L << 40, many.outputElements());
    }

    @Test
    void randomPlansAgreeWithTheDefinition() {
        Random r = new Random(7);
        for (int k = 0; k < 2000; k++) {
            boolean batched = r.nextBoolean();
            long n = r.nextInt(4);
            long c = 1 + r.nextInt(5);
            long h = 1 + r.nextInt(40);
            long w = 1 + r.nextInt(40);
            Long oh = r.nextInt(5) == 0 ? null : (long) r.nextInt(50);
            Long ow = r.nextInt(5) == 0 ? null : (long) r.nextInt(50);
            long[] shape = batched ? new long[] {n, c, h, w} : new long[] {c, h, w};
            PoolPlan p = (r.nextBoolean() ? PoolPlanTest.avg(OutputSize.ofNullable(oh, ow), shape)
                    : PoolPlanTest.max(OutputSize.ofNullable(oh, ow), shape));
            long eh = oh == null ? h : oh;
            long ew = ow == null ? w : ow;
            long planes = batched ? n * c : c;
            Shape expected = batched ? Shape.of(n, c, eh, ew) : Shape.of(c, eh, ew);
            String what = Shape.of(shape) + " -> (" + oh + ", " + ow + ")";
            assertEquals(expected, p.outputShape(), what);
            assertEquals(planes, p.planes(), what);
            assertEquals(planes * eh * ew, p.outputElements(), what);
            assertEquals(planes * eh * ew == 0, p.isEmpty(), what);
            assertEquals(h * w, p.inputPlaneSize(), what);
            assertAxis(p.height(), h, eh);
            assertAxis(p.width(), w, ew);
            assertAxis(p.depth(), 1, 1);
            for (long i = 0; i < eh; i++) {
                if (p.height().start(i) != Reference.start(i, eh, h) || p.height().end(i) != Reference.end(i, eh, h)) {
                    throw new AssertionError(what + ": height bin " + i);
                }
            }
            for (long i = 0; i < ew; i++) {
                if (p.width().start(i) != Reference.start(i, ew, w) || p.width().end(i) != Reference.end(i, ew, w)) {
                    throw new AssertionError(what + ": width bin " + i);
                }
            }
        }
    }

    @Test
    void wrongRanksAreRefusedNamingTheShapesEachOperationTakes() {
        String[] expected = {"a 2-d (C, L) or 3-d (N, C, L) tensor", "a 3-d (C, H, W) or 4-d (N, C, H, W) tensor",
            "a 4-d (C, D, H, W) or 5-d (N, C, D, H, W) tensor"};
        for (int rank = 1; rank <= 3; rank++) {
            AdaptivePool op = AdaptivePool.avg(rank, OutputSize.of(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolPlan.of(Shape.of(2), op));
            assertEquals("input: " + op.torchName() + " expects " + expected[rank - 1] + ", got shape [2] (rank 1)", e.getMessage());
        }
    }

    /** The kernels' table: for D, H and W in turn, every bin's start, then every bin's end. */
    @Test
    void binTableHoldsStartsThenEndsPerAxis() {
        PoolPlan p = PoolPlan.of(Shape.of(2, 5, 10, 3), AdaptivePool.max3d(OutputSize.of(3, 7, 5), true));
        assertArrayEquals(new long[] {0, 1, 3, 2, 4, 5, 0, 1, 2, 4, 5, 7, 8, 2, 3, 5, 6, 8, 9, 10, 0, 0, 1, 1, 2, 1, 2, 2, 3, 3},
                p.binTable());
        assertArrayEquals(new long[] {0, 1, 0, 1, 0, 1, 2, 3, 1, 2, 3, 4}, PoolPlan.of(Shape.of(1, 4), AdaptivePool.avg1d(OutputSize.of(4)))
                .binTable(), "1-d: D and H are identities of size 1");
    }

    @Test
    void identityNeedsEveryAxisToKeepItsSize() {
        assertTrue(PoolPlan.of(Shape.of(1, 2, 3, 4), AdaptivePool.avg3d(OutputSize.of(2, 3, 4))).isIdentity());
        for (long[] size : new long[][] {{1, 3, 4}, {2, 2, 4}, {2, 3, 5}}) {
            assertFalse(PoolPlan.of(Shape.of(1, 2, 3, 4), AdaptivePool.avg3d(OutputSize.of(size))).isIdentity(), Arrays.toString(size));
        }
    }

    /** Up to {@code Tensor.MAX_ELEMENTS} output elements a Java array holds; one more is refused. */
    @Test
    void outputArrayLengthIsTheElementCountUpToTheArrayLimit() {
        assertEquals(2 * 3 * 4 * 5, max(OutputSize.of(4, 5), 2, 3, 9, 9).outputArrayLength());
        long most = Tensor.MAX_ELEMENTS;
        assertEquals(most, PoolPlan.of(Shape.of(1, 1, 1), AdaptivePool.avg1d(OutputSize.of(most))).outputArrayLength());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PoolPlan.of(Shape.of(1, 1, 1), AdaptivePool.avg1d(OutputSize.of(most + 1))).outputArrayLength());
        assertTrue(e.getMessage().contains((most + 1) + " elements, more than a Java array holds"), e.getMessage());
    }

    @Test
    void pyramidsSumTheirLevelsCells() {
        PyramidPlan p = PyramidPlan.of(Shape.of(2, 3, 8, 8), PyramidPool.avg2d(1, 2, 3));
        assertEquals(1 + 4 + 9, p.outputPlaneSizes());
        assertEquals(6, p.planes());
        assertEquals(64, p.inputPlaneSize());
    }
}
