package dev.clpool.cpu;

import dev.clpool.plan.AxisBins;

/** One axis' bins as int tables: a host array never holds more than 2^31 elements. */
final class Bins {
    final int in;
    final int out;
    final int[] start;
    final int[] end;

    Bins(AxisBins axis) {
        in = Math.toIntExact(axis.inputSize());
        out = Math.toIntExact(axis.outputSize());
        start = new int[out];
        end = new int[out];
        for (int i = 0; i < out; i++) {
            start[i] = (int) axis.start(i);
            end[i] = (int) axis.end(i);
        }
    }
}
