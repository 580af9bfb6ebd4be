package dev.clpool.cli;

/**
 * How many int64 indices differ from their reference.
 *
 * @param elements how many were compared
 * @param differing how many differ
 * @param first the flat position of the first that differs, or -1
 */
record IndexDiff(long elements, long differing, long first) {
    static IndexDiff of(long[] reference, long[] actual) {
        long differing = 0;
        long first = -1;
        for (int i = 0; i < reference.length; i++) {
            if (reference[i] != actual[i]) {
                differing++;
                first = first < 0 ? i : first;
            }
        }
        return new IndexDiff(reference.length, differing, first);
    }

    boolean ok() {
        return differing == 0;
    }
}
