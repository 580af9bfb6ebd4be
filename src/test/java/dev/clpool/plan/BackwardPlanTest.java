package dev.clpool.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A backward plan's check of max indices: each must lie in its own output cell's bin, on every axis and at
 * both ends of it, or the gather would lose its gradient; the refusal names the element and the bin.
 */
class BackwardPlanTest {
    /** A (1, 4, 5, 6) volume to (2, 2, 3): D bins [0,2) [2,4), H [0,3) [2,5), W [0,2) [2,4) [4,6). */
    private static final BackwardPlan VOLUME = BackwardPlan.of(Shape.of(1, 4, 5, 6),
            AdaptivePool.max3d(OutputSize.of(2, 2, 3), true), Shape.of(1, 2, 2, 3));

    private static long index(long d, long h, long w) {
        return (d * 5 + h) * 6 + w;
    }

    /** Indices valid for every output cell: the first cell of each bin. */
    private static long[] firstCells() {
        long[] indices = new long[12];
        int k = 0;
        for (long d : new long[] {0, 2}) {
            for (long h : new long[] {0, 2}) {
                for (long w : new long[] {0, 2, 4}) {
                    indices[k++] = index(d, h, w);
                }
            }
        }
        return indices;
    }

    /** Indices as the tensor checkIndices reads, from the start of the whole tensor. */
    private static Tensor idx(long[] indices) {
        return Tensor.ofInt64(indices, Shape.of(indices.length));
    }

    private static void assertRefused(long[] indices, int element) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VOLUME.checkIndices(idx(indices), 0));
        assertTrue(e.getMessage().startsWith("indices: element " + element + " is " + indices[element] + ", outside the bin"),
                e.getMessage());
    }

    @Test
    void everyCornerOfEveryBinIsInside() {
        VOLUME.checkIndices(idx(firstCells()), 0);
        long[] last = new long[12];
        int k = 0;
        for (long d : new long[] {1, 3}) {
            for (long h : new long[] {2, 4}) {
                for (long w : new long[] {1, 3, 5}) {
                    last[k++] = index(d, h, w);
                }
            }
        }
        VOLUME.checkIndices(idx(last), 0);
    }

    @Test
    void oneCellPastEitherEndOfABinOnAnyAxisIsRefused() {
        // {element, d, h, w}: output cell 10 is (1, 1, 1), bin d [2, 4) h [2, 5) w [2, 4); cell 4 is (0, 1, 1),
        // d [0, 2); cell 7 is (1, 0, 1), h [0, 3).
        long[][] outside = {{10, 1, 2, 2}, {4, 2, 2, 2}, {10, 2, 1, 2}, {7, 2, 3, 2}, {10, 2, 2, 1}, {10, 2, 2, 4}};
        for (long[] c : outside) {
            long[] indices = firstCells();
            indices[(int) c[0]] = index(c[1], c[2], c[3]);
            assertRefused(indices, (int) c[0]);
        }
        for (long past : new long[] {-1, 4 * 5 * 6}) {
            long[] indices = firstCells();
            indices[11] = past;
            assertRefused(indices, 11);
        }
    }

    /** 65,640 indices, more than the 65,536 read at a time: the last block, partly filled, is read and checked too. */
    @Test
    void indicesPastOneBlockAreCheckedToTheLast() {
        int planes = 5470;
        BackwardPlan many = BackwardPlan.of(Shape.of(planes, 4, 5, 6), AdaptivePool.max3d(OutputSize.of(2, 2, 3), true),
                Shape.of(planes, 2, 2, 3));
        long[] indices = new long[planes * 12];
        for (int p = 0; p < planes; p++) {
            System.arraycopy(firstCells(), 0, indices, p * 12, 12);
        }
        many.checkIndices(idx(indices), 0);
        indices[indices.length - 1] = 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> many.checkIndices(idx(indices), 0));
        assertTrue(e.getMessage().startsWith("indices: element " + (indices.length - 1) + " is 0, outside the bin"), e.getMessage());
    }

    @Test
    void theRefusalDescribesTheBinInTheOperationsAxes() {
        long[] indices = firstCells();
        indices[1] = 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VOLUME.checkIndices(idx(indices), 0));
        assertEquals("indices: element 1 is 0, outside the bin of its output cell (d in [0, 2), h in [0, 3), w in [2, 4) of a"
                + " 4 x 5 x 6 volume (index (d * 5 + h) * 6 + w)); max indices must be those of this pooling's forward pass",
                e.getMessage());
        BackwardPlan line = BackwardPlan.of(Shape.of(2, 7), AdaptivePool.max1d(OutputSize.of(3), true), Shape.of(2, 3));
        e = assertThrows(IllegalArgumentException.class, () -> line.checkIndices(idx(new long[] {0, 0, 4, 0, 2, 4}), 0));
        assertEquals("indices: element 1 is 0, outside the bin of its output cell (l in [2, 5)); max indices must be those of"
                + " this pooling's forward pass", e.getMessage());
        line.checkIndices(idx(new long[] {1, 2, 6, 0, 4, 5}), 0);
    }

    @Test
    void theForwardPassesShapesAndOperation() {
        AdaptivePool op = AdaptivePool.avg2d(OutputSize.of(2, 3));
        BackwardPlan p = BackwardPlan.of(Shape.of(3, 5, 7), op, Shape.of(3, 2, 3));
        assertEquals(op, p.op());
        assertEquals(Shape.of(3, 5, 7), p.inputShape());
        assertEquals(Shape.of(3, 2, 3), p.gradOutputShape());
        assertThrows(IllegalStateException.class, () -> p.checkIndices(idx(new long[6]), 0), "avg has no indices");
    }
}
