package dev.clpool.cli;

import dev.clpool.tensor.Tensor;

/**
 * How many int64 indices differ from their reference.
 *
 * @param elements how many were compared
 * @param differing how many differ
 * @param first the flat position of the first that differs, or -1
 * @param firstActual the index under test there (0 when none)
 * @param firstReference the reference index there (0 when none)
 */
record IndexDiff(long elements, long differing, long first, long firstActual, long firstReference) {
    static IndexDiff of(long[] reference, long[] actual) {
        Running r = new Running();
        r.add(reference, actual, reference.length, 0);
        return r.result();
    }

    boolean ok() {
        return differing == 0;
    }

    /** The comparison of indices and their reference that come a part at a time, in order. */
    static final class Running {
        private static final int BLOCK = 1 << 14;

        private final long[] reference = new long[BLOCK];
        private final long[] actual = new long[BLOCK];
        private long elements;
        private long differing;
        private long first = -1;
        private long firstActual;
        private long firstReference;

        /** Compares the next part: int64 tensors of one shape, whose first element is element {@code offset} of the whole. */
        void add(Tensor referencePart, Tensor actualPart, long offset) {
            for (long at = 0; at < referencePart.elementCount(); at += BLOCK) {
                int n = (int) Math.min(BLOCK, referencePart.elementCount() - at);
                referencePart.readLongs(at, reference, 0, n);
                actualPart.readLongs(at, actual, 0, n);
                add(reference, actual, n, offset + at);
            }
        }

        private void add(long[] ref, long[] act, int n, long offset) {
            for (int i = 0; i < n; i++) {
                if (ref[i] != act[i]) {
                    differing++;
                    if (first < 0) {
                        first = offset + i;
                        firstActual = act[i];
                        firstReference = ref[i];
                    }
                }
            }
            elements += n;
        }

        IndexDiff result() {
            return new IndexDiff(elements, differing, first, firstActual, firstReference);
        }
    }
}
