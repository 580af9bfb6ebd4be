package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.tensor.Shape;
import org.junit.jupiter.api.Test;

/** {@link Shape}: sizes, negative indexing, counts with overflow checks, immutability, value semantics. */
class ShapeTest {

    @Test
    void sizesAndRank() {
        Shape s = Shape.of(1, 64, 8, 9);
        assertEquals(4, s.rank());
        assertEquals(1, s.dim(0));
        assertEquals(9, s.dim(3));
        assertEquals(9, s.dim(-1), "negative indices count from the end, as in PyTorch");
        assertEquals(8, s.dim(-2));
        assertEquals(1, s.dim(-4));
        assertEquals(4608, s.elementCount());
        assertEquals(64 * 8, s.product(1, 3));
        assertEquals(1, s.product(2, 2), "an empty product is 1");
        assertEquals("[1, 64, 8, 9]", s.toString());
    }

    @Test
    void scalarAndEmptyShapes() {
        assertEquals(0, Shape.of().rank());
        assertEquals(1, Shape.of().elementCount(), "a 0-d tensor has one element");
        assertEquals("[]", Shape.of().toString());
        assertEquals(0, Shape.of(3, 0, 5).elementCount());
    }

    @Test
    void immutable() {
        long[] dims = {2, 3};
        Shape s = Shape.of(dims);
        dims[0] = 99;
        assertEquals(2, s.dim(0), "the argument is copied");
        long[] out = s.toArray();
        out[1] = 99;
        assertEquals(3, s.dim(1), "toArray returns a copy");
        assertArrayEquals(new long[] {2, 3}, s.toArray());
    }

    @Test
    void valueSemantics() {
        assertEquals(Shape.of(2, 3), Shape.of(2, 3));
        assertEquals(Shape.of(2, 3).hashCode(), Shape.of(2, 3).hashCode());
        assertNotEquals(Shape.of(2, 3), Shape.of(3, 2));
        assertNotEquals(Shape.of(2, 3), Shape.of(2, 3, 1));
    }

    @Test
    void withTailReplacesTheTrailingDimensions() {
        assertEquals(Shape.of(1, 64, 5, 7), Shape.of(1, 64, 8, 9).withTail(2, 5, 7));
        assertEquals(Shape.of(3, 5, 7), Shape.of(3, 8, 9).withTail(1, 5, 7));
        assertEquals(Shape.of(3, 5), Shape.of(3, 8, 9).withTail(1, 5));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(3, 8, 9).withTail(1, 5, -1));
    }

    @Test
    void negativeSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(1, -2, 3));
        assertTrue(e.getMessage().contains("dimension 1") && e.getMessage().contains("-2"), e.getMessage());
    }

    @Test
    void countsThatOverflowAreRefused() {
        Shape s = Shape.of(1L << 32, 1L << 31);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::elementCount);
        assertTrue(e.getMessage().contains("[4294967296, 2147483648]") && e.getMessage().contains("overflows"), e.getMessage());
        assertEquals(1L << 62, Shape.of(1L << 32, 1L << 30).elementCount(), "2^62 fits");
        assertEquals(Long.MAX_VALUE, Shape.of(Long.MAX_VALUE, 1).elementCount());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(3, Long.MAX_VALUE / 2).elementCount());
    }
}
