package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link OutputSize}: PyTorch's forms, parsing, resolution against an input, and its errors. */
class OutputSizeTest {
    static final long[] IN = {10, 9};

    @Test
    void intFormAppliesToEveryAxis() {
        OutputSize s = OutputSize.parse("7");
        assertEquals(OutputSize.of(7), s);
        assertEquals(OutputSize.of(7).hashCode(), s.hashCode());
        assertTrue(s.isUniform());
        assertEquals(1, s.arity());
        assertEquals("7", s.toString());
        assertArrayEquals(new long[] {7, 7}, s.resolve(IN));
        assertArrayEquals(new long[] {7, 7, 7}, s.resolve(new long[] {1, 2, 3}), "the int form fits any rank");
    }

    @Test
    void pairForms() {
        assertEquals(OutputSize.of(5, 7), OutputSize.parse("5,7"));
        assertEquals(OutputSize.of(5, 7), OutputSize.parse(" ( 5 , 7 ) "));
        assertEquals(OutputSize.of(5, 7), OutputSize.parse("(5, 7)"));
        OutputSize s = OutputSize.parse("5,7");
        assertFalse(s.isUniform());
        assertEquals(2, s.arity());
        assertEquals("(5, 7)", s.toString());
        assertArrayEquals(new long[] {5, 7}, s.resolve(IN));
    }

    @Test
    void noneKeepsTheInputSize() {
        OutputSize noneFirst = OutputSize.parse("none,7");
        assertEquals(OutputSize.ofNullable(null, 7L), noneFirst);
        assertEquals("(None, 7)", noneFirst.toString());
        assertArrayEquals(new long[] {10, 7}, noneFirst.resolve(IN));

        OutputSize noneLast = OutputSize.parse("5,none");
        assertEquals(OutputSize.ofNullable(5L, null), noneLast);
        assertEquals("(5, None)", noneLast.toString());
        assertArrayEquals(new long[] {5, 9}, noneLast.resolve(IN));

        assertEquals(noneLast, OutputSize.parse("(5, None)"));
        assertEquals(OutputSize.ofNullable(null, null), OutputSize.parse("NONE, None"));
        assertArrayEquals(new long[] {10, 9}, OutputSize.parse("None,None").resolve(IN));

        OutputSize uniformNone = OutputSize.parse("none");
        assertTrue(uniformNone.isUniform());
        assertEquals("None", uniformNone.toString());
        assertArrayEquals(new long[] {10, 9}, uniformNone.resolve(IN));
    }

    @Test
    void zeroIsAllowedAndTupleFormsPrintAsPython() {
        assertArrayEquals(new long[] {0, 0}, OutputSize.parse("0").resolve(IN));
        assertArrayEquals(new long[] {0, 9}, OutputSize.ofNullable(0L, null).resolve(IN));
        assertEquals("(5,)", OutputSize.ofNullable(5L).toString(), "a 1-tuple prints as Python's");
        assertFalse(OutputSize.ofNullable(5L).isUniform());
        assertNotEquals(OutputSize.of(7), OutputSize.of(7, 7), "the int form and the pair form differ");
        assertNotEquals(OutputSize.of(7), OutputSize.ofNullable(7L));
    }

    @Test
    void sizesAreCopied() {
        long[] sizes = {5, 7};
        OutputSize s = OutputSize.of(sizes);
        sizes[0] = 99;
        assertEquals("(5, 7)", s.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "x", "5,", ",5", "5,,7", "1.5", "5 7", "(5", "5)", "((5, 7))", "[5, 7]",
        "99999999999999999999", "0x10", "none7", "5;7"})
    void badTextIsRefusedNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputSize.parse(text));
        assertTrue(e.getMessage().contains("output size '" + text + "'"), e.getMessage());
    }

    @Test
    void arityAndSignAreCheckedWhenResolved() {
        OutputSize three = OutputSize.parse("1,2,3");
        assertEquals(3, three.arity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> three.resolve(IN));
        assertTrue(e.getMessage().contains("outputSize (1, 2, 3)") && e.getMessage().contains("got 3"), e.getMessage());

        OutputSize negative = OutputSize.parse("-3");
        e = assertThrows(IllegalArgumentException.class, () -> negative.resolve(IN));
        assertTrue(e.getMessage().contains("outputSize -3") && e.getMessage().contains(">= 0"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> OutputSize.of(4, -1).resolve(IN));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, OutputSize::of);
        assertThrows(IllegalArgumentException.class, () -> OutputSize.ofNullable());
    }

    @Test
    void theMostNegativeSizeIsANegativeSizeNotNone() {
        // The private "None" marker must not be reachable from a caller's number: Long.MIN_VALUE is a
        // negative size, which PyTorch refuses; it must not silently mean "keep the input's size".
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputSize.of(Long.MIN_VALUE).resolve(IN));
        assertTrue(e.getMessage().contains("-9223372036854775808"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OutputSize.of(5, Long.MIN_VALUE).resolve(IN));
        assertThrows(IllegalArgumentException.class, () -> OutputSize.parse("-9223372036854775808").resolve(IN));
        assertThrows(IllegalArgumentException.class, () -> OutputSize.ofNullable(null, Long.MIN_VALUE).resolve(IN));
        try (Clpool clpool = Clpool.open(DeviceSelector.java())) {
            Tensor x = Tensor.of(new float[90], 1, 1, 10, 9);
            assertThrows(IllegalArgumentException.class, () -> clpool.adaptiveAvgPool2d(x, OutputSize.of(Long.MIN_VALUE)),
                    "must not pool to the input's size");
        }
    }
}
