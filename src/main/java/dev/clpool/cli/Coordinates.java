package dev.clpool.cli;

import dev.clpool.tensor.Shape;
import java.util.Arrays;

/** Turns a flat C-order position into coordinates, for pointing at an element in messages. */
final class Coordinates {
    private Coordinates() {
    }

    /** {@code [0, 3, 2, 1]} for a flat position in a tensor of {@code shape}. */
    static String of(Shape shape, long flat) {
        long[] c = new long[shape.rank()];
        long rest = flat;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            long d = shape.dim(i);
            c[i] = d == 0 ? 0 : rest % d;
            rest = d == 0 ? rest : rest / d;
        }
        return Arrays.toString(c);
    }
}
