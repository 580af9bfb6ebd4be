package dev.clpool.cpu;

import dev.clpool.plan.PoolPlan;

/**
 * Every output cell's bin of one plan as a flat list of input offsets in PyTorch's row-major order, so
 * that pooling a bin is one loop whatever its shape: no row or depth loop to restart per bin, which is
 * what costs most in small bins. Offsets count from the cell's band: the first input row (and depth
 * slice) of its output row, {@link #bandStart} from the plane's start. A 2-d band is rows
 * {@code [h.start[oh], h.end[oh])}, contiguous in the plane, so it can be staged whole.
 */
final class BinCells {
    /** The most offsets a table may hold (4 MiB of ints): larger plans use the row loops. */
    static final long MAX_OFFSETS = 1 << 20;

    final int[] offsets;
    /** Cell c's offsets are {@code offsets[start[c]]} to {@code offsets[start[c + 1] - 1]}. */
    final int[] start;
    /** Cell c's band: its first input element's offset from the plane's start, less that element's offset. */
    final int[] bandStart;
    /** Each cell's divisors in PyTorch's order: its depth, height and width. */
    final float[] kd;
    final float[] kh;
    final float[] kw;

    private BinCells(int cells, int entries) {
        offsets = new int[entries];
        start = new int[cells + 1];
        bandStart = new int[cells];
        kd = new float[cells];
        kh = new float[cells];
        kw = new float[cells];
    }

    /** How many offsets {@code plan}'s table holds: every bin's size, summed. */
    static long entries(PoolPlan plan) {
        return lengths(new Bins(plan.depth())) * lengths(new Bins(plan.height())) * lengths(new Bins(plan.width()));
    }

    /** The table of {@code d x h x w}'s bins; at most {@link #MAX_OFFSETS} offsets, as {@link #entries} says. */
    static BinCells of(Bins d, Bins h, Bins w) {
        long entries = lengths(d) * lengths(h) * lengths(w);
        BinCells t = new BinCells(d.out * h.out * w.out, Math.toIntExact(entries));
        int c = 0;
        int at = 0;
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                int band = (d.start[od] * h.in + h.start[oh]) * w.in;
                for (int ow = 0; ow < w.out; ow++, c++) {
                    t.start[c] = at;
                    t.bandStart[c] = band;
                    t.kd[c] = d.end[od] - d.start[od];
                    t.kh[c] = h.end[oh] - h.start[oh];
                    t.kw[c] = w.end[ow] - w.start[ow];
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                            for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                                t.offsets[at++] = (id * h.in + ih) * w.in + iw - band;
                            }
                        }
                    }
                }
            }
        }
        t.start[c] = at;
        return t;
    }

    private static long lengths(Bins b) {
        long sum = 0;
        for (int i = 0; i < b.out; i++) {
            sum += b.end[i] - b.start[i];
        }
        return sum;
    }
}
