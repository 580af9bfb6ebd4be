package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Tensor} and the small values around it: DType, PoolMode, AdaptivePool, PoolResult. */
class TensorTest {

    @Test
    void floatTensorWrapsItsArray() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 1, 2, 3);
        assertSame(data, t.floats(), "wrapped, not copied");
        assertEquals(DType.FLOAT32, t.dtype());
        assertEquals(Shape.of(1, 2, 3), t.shape());
        assertEquals(6, t.elementCount());
        assertEquals("Tensor[1, 2, 3] float32", t.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::int64s);
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void int64TensorWrapsItsArray() {
        long[] data = {Long.MIN_VALUE, 0, Long.MAX_VALUE};
        Tensor t = Tensor.ofInt64(data, Shape.of(3));
        assertSame(data, t.int64s());
        assertEquals(DType.INT64, t.dtype());
        assertEquals("Tensor[3] int64", t.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::floats);
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void lengthMustMatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().startsWith("data:") && e.getMessage().contains("5") && e.getMessage().contains("[2, 3]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofInt64(new long[5], Shape.of(6)));
        assertEquals(0, Tensor.of(new float[0], 0, 3).elementCount());
        assertEquals(1, Tensor.of(new float[1]).elementCount(), "a 0-d tensor");
    }

    @Test
    void dtypes() {
        assertEquals(4, DType.FLOAT32.byteSize());
        assertEquals(8, DType.INT64.byteSize());
        assertEquals("float32", DType.FLOAT32.toString());
        assertEquals("int64", DType.INT64.toString());
    }

    @Test
    void modes() {
        assertEquals(PoolMode.AVG, PoolMode.parse("avg"));
        assertEquals(PoolMode.MAX, PoolMode.parse(" MAX "));
        assertEquals("avg", PoolMode.AVG.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolMode.parse("mean"));
        assertTrue(e.getMessage().contains("mode") && e.getMessage().contains("'mean'"), e.getMessage());
    }

    @Test
    void operations() {
        AdaptivePool avg = AdaptivePool.avg2d(OutputSize.of(7));
        assertEquals("adaptive_avg_pool2d", avg.torchName());
        assertEquals("adaptive_avg_pool2d(output_size=7)", avg.toString());
        assertFalse(avg.withIndices());
        AdaptivePool max = AdaptivePool.max2d(OutputSize.ofNullable(5L, null), true);
        assertEquals("adaptive_max_pool2d(output_size=(5, None), return_indices=True)", max.toString());
        assertEquals(PoolMode.MAX, max.mode());
        assertEquals(2, max.spatialRank());
        assertEquals(max, AdaptivePool.max2d(OutputSize.parse("5,none"), true));
    }

    @Test
    void results() {
        Tensor v = Tensor.of(new float[] {1}, 1);
        PoolResult r = new PoolResult(v, null);
        assertFalse(r.hasIndices());
        assertNull(r.indices());
        assertTrue(new PoolResult(v, Tensor.ofInt64(new long[] {0}, Shape.of(1))).hasIndices());
        assertThrows(NullPointerException.class, () -> new PoolResult(null, null));
    }
}
