package dev.clpool.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.Reference;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bin planner, as pure functions: PyTorch's bins ({@code start = floor(i*I/O)},
 * {@code end = ceil((i+1)*I/O)}) over many (I, O) pairs, small and 64-bit, plus hand-computed cases.
 * The property checker is itself checked: it must reject plausible wrong planners (floor instead of
 * ceil for the end, the old floating-point formula), so a green run cannot come from a checker that
 * checks nothing.
 */
class AxisBinsTest {

    /** A planner under test: {@code start(i, O, I)} and {@code end(i, O, I)}. */
    interface Planner {
        long start(long i, long outputSize, long inputSize);

        long end(long i, long outputSize, long inputSize);
    }

    /** clpool's planner. */
    static final Planner CLPOOL = new Planner() {
        @Override
        public long start(long i, long o, long in) {
            return AxisBins.start(i, o, in);
        }

        @Override
        public long end(long i, long o, long in) {
            return AxisBins.end(i, o, in);
        }
    };

    // ---------------------------------------------------------------- (I, O) pairs

    /** Every pair with 1 <= I, O <= 40: downsampling, upsampling, divisible and not. */
    static List<long[]> smallPairs() {
        List<long[]> pairs = new ArrayList<>();
        for (long in = 1; in <= 40; in++) {
            for (long out = 1; out <= 40; out++) {
                pairs.add(new long[] {in, out});
            }
        }
        return pairs;
    }

    /**
     * Pairs where {@code i * I} overflows 64 bits, so the planner's exact fallback runs; and sizes past
     * 2^53 where a double-based formula goes wrong.
     */
    static List<long[]> largePairs() {
        long max = Long.MAX_VALUE;
        List<long[]> pairs = new ArrayList<>(List.of(
                new long[] {max, 1}, new long[] {max, 2}, new long[] {max, 3}, new long[] {max, 7},
                new long[] {max, max}, new long[] {max, max - 1}, new long[] {max - 1, max},
                new long[] {max, 1L << 40}, new long[] {1L << 62, 3}, new long[] {(1L << 62) + 1, (1L << 31) - 1},
                new long[] {3_000_000_000L, 7}, new long[] {3_000_000_000L, 2_999_999_999L},
                new long[] {(1L << 53) + 1, 3}, new long[] {(1L << 53) + 3, 5}, new long[] {1L << 33, 1L << 32},
                new long[] {2, 1L << 40}, new long[] {7, max}, new long[] {1, max}, new long[] {max / 3, max / 2}));
        Random r = new Random(20240601);
        for (int k = 0; k < 60; k++) {
            long in = 1 + (r.nextLong() >>> (1 + r.nextInt(62)));
            long out = 1 + (r.nextLong() >>> (1 + r.nextInt(62)));
            pairs.add(new long[] {in, out});
        }
        return pairs;
    }

    /** Output indices to check for a pair: all of them when few, else both ends and a spread between. */
    static long[] indicesToCheck(long out) {
        if (out <= 64) {
            long[] all = new long[(int) out];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        Set<Long> s = new LinkedHashSet<>();
        for (long k = 0; k < 8; k++) {
            s.add(k);
            s.add(out - 1 - k);
            s.add(out / 2 - 4 + k);
        }
        Random r = new Random(out);
        for (int k = 0; k < 24; k++) {
            s.add(Math.floorMod(r.nextLong(), out - 1)); // i and i + 1 are both in range
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    // ---------------------------------------------------------------- the property checker

    /**
     * What is wrong with {@code p} on {@code I -> O}, or an empty list: bins non-empty and inside the axis;
     * the first starts at 0 and the last ends at I; neighbours touch or overlap and move forward; no bin
     * longer than ceil(I/O) + 1; identity when I = O; and start/end equal to the exact rationals' floor
     * and ceil. {@code exact} turns the last check off, to show that the structural checks alone catch
     * some mutations.
     */
    static List<String> violations(Planner p, long in, long out, boolean exact) {
        List<String> bad = new ArrayList<>();
        String pair = in + "->" + out;
        BigInteger maxLen = BigInteger.valueOf(in).add(BigInteger.valueOf(out - 1)).divide(BigInteger.valueOf(out))
                .add(BigInteger.ONE);
        if (p.start(0, out, in) != 0) {
            bad.add(pair + ": start(0) = " + p.start(0, out, in) + ", not 0");
        }
        if (p.end(out - 1, out, in) != in) {
            bad.add(pair + ": end(O-1) = " + p.end(out - 1, out, in) + ", not " + in);
        }
        for (long i : indicesToCheck(out)) {
            long s = p.start(i, out, in);
            long e = p.end(i, out, in);
            if (s < 0 || e > in || s >= e) {
                bad.add(pair + ": bin " + i + " = [" + s + ", " + e + ") is empty or outside [0, " + in + ")");
            }
            if (BigInteger.valueOf(e).subtract(BigInteger.valueOf(s)).compareTo(maxLen) > 0) {
                bad.add(pair + ": bin " + i + " = [" + s + ", " + e + ") is longer than ceil(I/O)+1 = " + maxLen);
            }
            if (in == out && (s != i || e != i + 1)) {
                bad.add(pair + ": identity axis, bin " + i + " = [" + s + ", " + e + ")");
            }
            if (i + 1 < out) {
                long s1 = p.start(i + 1, out, in);
                long e1 = p.end(i + 1, out, in);
                if (s1 > e) {
                    bad.add(pair + ": gap between bin " + i + " [" + s + ", " + e + ") and bin " + (i + 1) + " [" + s1 + ", " + e1 + ")");
                }
                if (s1 < s || e1 < e) {
                    bad.add(pair + ": bin " + (i + 1) + " [" + s1 + ", " + e1 + ") moves back from bin " + i + " [" + s + ", " + e + ")");
                }
            }
            if (exact) {
                long rs = Reference.start(i, out, in);
                long re = Reference.end(i, out, in);
                if (s != rs || e != re) {
                    bad.add(pair + ": bin " + i + " = [" + s + ", " + e + "), expected [" + rs + ", " + re + ")");
                }
            }
            if (bad.size() > 5) {
                break;
            }
        }
        return bad;
    }

    static List<String> violationsOver(Planner p, List<long[]> pairs, boolean exact) {
        List<String> bad = new ArrayList<>();
        for (long[] pair : pairs) {
            bad.addAll(violations(p, pair[0], pair[1], exact));
        }
        return bad;
    }

    // ---------------------------------------------------------------- properties of clpool's planner

    @Test
    void smallPairsHaveEveryProperty() {
        List<String> bad = violationsOver(CLPOOL, smallPairs(), true);
        assertTrue(bad.isEmpty(), () -> String.join("\n", bad.subList(0, Math.min(20, bad.size()))));
    }

    @Test
    void largePairsHaveEveryPropertyIn64Bits() {
        List<String> bad = violationsOver(CLPOOL, largePairs(), true);
        assertTrue(bad.isEmpty(), () -> String.join("\n", bad.subList(0, Math.min(20, bad.size()))));
    }

    @Test
    void everyBinOfMidSizedAxesMatchesTheExactFormula() {
        // Every index, not a sample: axes up to 300 in and out.
        for (long in = 1; in <= 300; in += 7) {
            for (long out = 1; out <= 300; out += 11) {
                AxisBins axis = new AxisBins(in, out);
                long[] starts = axis.starts();
                long[] ends = axis.ends();
                assertEquals(out, starts.length);
                for (int i = 0; i < out; i++) {
                    // Plain integer floor/ceil: exact at these sizes, and cheap enough for every index.
                    long start = i * in / out;
                    long end = ((i + 1) * in + out - 1) / out;
                    if (starts[i] != start || ends[i] != end || axis.start(i) != start || axis.end(i) != end) {
                        throw new AssertionError(in + "->" + out + " bin " + i + ": starts()/ends() give [" + starts[i]
                                + ", " + ends[i] + "), start(i)/end(i) give [" + axis.start(i) + ", " + axis.end(i)
                                + "), expected [" + start + ", " + end + ")");
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- the checker catches wrong planners

    /** {@code end = floor((i+1) * I / O)}: the mutation DESIGN.md names. */
    static final Planner FLOOR_END = new Planner() {
        @Override
        public long start(long i, long o, long in) {
            return Reference.start(i, o, in);
        }

        @Override
        public long end(long i, long o, long in) {
            return Reference.start(i + 1, o, in);
        }
    };

    /** The old floating-point formula, right for small sizes and wrong past 2^53. */
    static final Planner DOUBLE_FORMULA = new Planner() {
        @Override
        public long start(long i, long o, long in) {
            return (long) Math.floor((double) i * in / o);
        }

        @Override
        public long end(long i, long o, long in) {
            return (long) Math.ceil((double) (i + 1) * in / o);
        }
    };

    /** PyTorch's integer formula in plain 64-bit arithmetic, which overflows for large sizes. */
    static final Planner UNGUARDED_LONG = new Planner() {
        @Override
        public long start(long i, long o, long in) {
            return (i / o) * in + ((i % o) * in) / o;
        }

        @Override
        public long end(long i, long o, long in) {
            return 1 + ((i + 1) * in - 1) / o;
        }
    };

    @Test
    void checkerRejectsFloorInsteadOfCeilForTheEnd() {
        assertFalse(violationsOver(FLOOR_END, smallPairs(), true).isEmpty(), "floor end passed the exact checks");
        // Even without the exact formula, the structure gives it away: upsampling makes empty bins.
        List<String> structural = violationsOver(FLOOR_END, smallPairs(), false);
        assertFalse(structural.isEmpty(), "floor end passed the structural checks");
        assertFalse(violations(FLOOR_END, 2, 4, false).isEmpty(), "2->4 with floor end has an empty bin");
    }

    @Test
    void checkerRejectsTheFloatingPointFormulaAtLargeSizes() {
        assertTrue(violationsOver(DOUBLE_FORMULA, smallPairs(), true).isEmpty(), "doubles are exact for small sizes");
        assertFalse(violationsOver(DOUBLE_FORMULA, largePairs(), true).isEmpty(), "doubles passed at 64-bit sizes");
    }

    @Test
    void checkerRejectsUnguardedLongArithmetic() {
        assertFalse(violationsOver(UNGUARDED_LONG, largePairs(), true).isEmpty(), "overflowing arithmetic passed");
    }

    @Test
    void checkerRejectsAPlannerThatIgnoresOverlap() {
        // start = floor(i*I/O), end = start of the next bin (a partition): right for I % O == 0 only.
        assertTrue(violations(FLOOR_END, 10, 5, true).isEmpty());
        assertFalse(violations(FLOOR_END, 5, 3, true).isEmpty());
        assertFalse(violations(FLOOR_END, 10, 7, true).isEmpty());
    }

    // ---------------------------------------------------------------- hand-computed cases

    static void assertBins(long in, long out, long[][] expected) {
        AxisBins axis = new AxisBins(in, out);
        long[][] actual = new long[(int) out][];
        for (int i = 0; i < out; i++) {
            actual[i] = new long[] {axis.start(i), axis.end(i)};
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], in + "->" + out + " bin " + i);
        }
    }

    @Test
    void fiveToThreeOverlaps() {
        assertBins(5, 3, new long[][] {{0, 2}, {1, 4}, {3, 5}});
    }

    @Test
    void tenToSeven() {
        // floor(10i/7) = 0 1 2 4 5 7 8; ceil(10(i+1)/7) = 2 3 5 6 8 9 10
        assertBins(10, 7, new long[][] {{0, 2}, {1, 3}, {2, 5}, {4, 6}, {5, 8}, {7, 9}, {8, 10}});
    }

    @Test
    void twoToFourRepeatsInputs() {
        assertBins(2, 4, new long[][] {{0, 1}, {0, 1}, {1, 2}, {1, 2}});
    }

    @Test
    void threeToFive() {
        // floor(3i/5) = 0 0 1 1 2; ceil(3(i+1)/5) = 1 2 2 3 3
        assertBins(3, 5, new long[][] {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}});
    }

    @Test
    void divisibleAxesPartition() {
        assertBins(8, 4, new long[][] {{0, 2}, {2, 4}, {4, 6}, {6, 8}});
        assertBins(7, 1, new long[][] {{0, 7}});
        assertBins(1, 3, new long[][] {{0, 1}, {0, 1}, {0, 1}});
    }

    @ParameterizedTest
    @CsvSource({"9223372036854775807, 3, 1, 3074457345618258602, 6148914691236517205",
                "9223372036854775807, 2, 1, 4611686018427387903, 9223372036854775807",
                "6000000000, 7, 3, 2571428571, 3428571429"})
    void largeAxesHandChecked(long in, long out, long i, long start, long end) {
        // 3074457345618258602.33 and 6148914691236517204.67: floor and ceil (...602, ...205);
        // 9223372036854775807 / 2 = 4611686018427387903.5; 6e9 * 3 / 7 = 2571428571.43, 6e9 * 4 / 7 = 3428571428.57.
        AxisBins axis = new AxisBins(in, out);
        assertEquals(start, axis.start(i));
        assertEquals(end, axis.end(i));
    }

    @Test
    void identityAxes() {
        for (long n : new long[] {1, 2, 17, 1L << 40, Long.MAX_VALUE}) {
            AxisBins axis = new AxisBins(n, n);
            assertTrue(axis.isIdentity(), n + "->" + n);
            for (long i : indicesToCheck(n)) {
                assertEquals(i, axis.start(i));
                assertEquals(i + 1, axis.end(i));
            }
        }
        assertFalse(new AxisBins(5, 3).isIdentity());
        assertFalse(new AxisBins(3, 5).isIdentity());
    }

    @Test
    void accessorsAndText() {
        AxisBins axis = new AxisBins(10, 7);
        assertEquals(10, axis.inputSize());
        assertEquals(7, axis.outputSize());
        assertEquals("10->7", axis.toString());
        assertEquals(0, new AxisBins(5, 0).starts().length, "a zero output size has no bins");
    }

    /** {@code start(i) = floor(i * I / O)} for any i, past the last bin too: {@code start(O)} is the axis' end. */
    @Test
    void startIsTheFormulaForIndicesPastTheLastBin() {
        for (long[] pair : List.of(new long[] {10, 7}, new long[] {5, 3}, new long[] {3, 5}, new long[] {1L << 40, 3})) {
            long in = pair[0];
            long out = pair[1];
            for (long i = out; i < 3 * out; i++) {
                assertEquals(Reference.start(i, out, in), AxisBins.start(i, out, in), in + "->" + out + ", i = " + i);
            }
            assertEquals(in, AxisBins.start(out, out, in), in + "->" + out);
        }
    }

    @Test
    void theShortestBinOfAnAxis() {
        assertEquals(2, new AxisBins(10, 7).minBinLength(), "10 -> 7: bins of 2 and 3");
        assertEquals(3, new AxisBins(9, 3).minBinLength(), "divisible: all 3");
        assertEquals(1, new AxisBins(3, 5).minBinLength(), "upsampling: bins of 1 and 2");
        assertEquals(7, new AxisBins(7, 1).minBinLength(), "one bin, the whole axis");
        assertEquals(0, new AxisBins(5, 0).minBinLength(), "no bins");
        assertEquals(4, new AxisBins(11, 3).minBinLength(), "11 -> 3: [0,4) [3,8) [7,11)");
    }

    @Test
    void negativeSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AxisBins(-1, 3));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AxisBins(3, -2));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
    }
}
