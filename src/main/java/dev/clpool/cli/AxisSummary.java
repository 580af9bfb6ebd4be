package dev.clpool.cli;

import dev.clpool.plan.AxisBins;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bins of one axis with what {@code plan} says about them.
 *
 * @param name {@code H} or {@code W}
 * @param bins the bins
 * @param minLength the shortest bin, in input cells
 * @param maxLength the longest bin
 * @param overlaps how many neighbouring pairs share cells
 * @param coverage input cells by how many bins cover them (e.g. {1=4, 2=6})
 */
record AxisSummary(String name, AxisBins bins, long minLength, long maxLength, long overlaps, Map<Long, Long> coverage) {
    /** The most bins per axis that {@code plan} walks through (it visits each bin a few times). */
    static final long MAX_BINS = 10_000_000;

    static AxisSummary of(String name, AxisBins bins) {
        long n = bins.outputSize();
        if (n > MAX_BINS) {
            throw new BadInputException("output size " + n + " along " + name + ": plan lists at most " + MAX_BINS + " bins per axis");
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        long overlaps = 0;
        for (long i = 0; i < n; i++) {
            long length = bins.end(i) - bins.start(i);
            min = Math.min(min, length);
            max = Math.max(max, length);
            overlaps += i > 0 && overlap(bins, i) > 0 ? 1 : 0;
        }
        return new AxisSummary(name, bins, n == 0 ? 0 : min, max, overlaps, coverage(bins));
    }

    /** Cells that bin {@code i} shares with bin {@code i - 1}. */
    static long overlap(AxisBins bins, long i) {
        return Math.max(0, bins.end(i - 1) - bins.start(i));
    }

    /** Sweeps the bins' starts and ends (each sorted) and counts the cells at each depth of cover. */
    private static Map<Long, Long> coverage(AxisBins bins) {
        Map<Long, Long> cells = new TreeMap<>();
        long n = bins.outputSize();
        long pos = 0;
        long cover = 0;
        long i = 0;
        long j = 0;
        while (j < n) {
            long next = i < n ? Math.min(bins.start(i), bins.end(j)) : bins.end(j);
            if (next > pos && cover > 0) {
                cells.merge(cover, next - pos, Long::sum);
            }
            pos = next;
            while (i < n && bins.start(i) == pos) {
                cover++;
                i++;
            }
            while (j < n && bins.end(j) == pos) {
                cover--;
                j++;
            }
        }
        return cells;
    }

    /** {@code H: 10 -> 7: 7 bins of 2 to 3 cells, 6 neighbouring pairs overlap}. */
    String headline() {
        long n = bins.outputSize();
        String lengths = minLength == maxLength ? minLength + (minLength == 1 ? " cell" : " cells")
                : minLength + " to " + maxLength + " cells";
        return name + ": " + bins.inputSize() + " -> " + n + ": " + (n == 0 ? "no bins (empty output)"
                : n + (n == 1 ? " bin of " : " bins of ") + lengths + ", "
                + (overlaps == 0 ? "none overlap" : overlaps + (overlaps == 1 ? " neighbouring pair overlaps" : " neighbouring pairs overlap")));
    }
}
