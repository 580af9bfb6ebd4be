package dev.clpool.cli;

/**
 * How far float32 values are from their reference.
 *
 * @param elements how many were compared
 * @param maxAbs the largest {@code |actual - reference|} over pairs of finite values
 * @param maxRel the largest {@code |actual - reference| / |reference|} over finite pairs (infinite when the reference is 0)
 * @param outside how many are not accepted (outside the tolerance, or not bit-identical)
 * @param firstOutside the flat index of the first one not accepted, or -1
 */
record ValueDiff(long elements, double maxAbs, double maxRel, long outside, long firstOutside) {

    /** Averages: within a tolerance. */
    static ValueDiff within(float[] reference, float[] actual, Tolerance tolerance) {
        return compare(reference, actual, tolerance);
    }

    /** Maxima: the same bits (any NaN matches any NaN; -0 differs from +0). */
    static ValueDiff bitExact(float[] reference, float[] actual) {
        return compare(reference, actual, null);
    }

    private static ValueDiff compare(float[] reference, float[] actual, Tolerance tolerance) {
        double maxAbs = 0;
        double maxRel = 0;
        long outside = 0;
        long first = -1;
        for (int i = 0; i < reference.length; i++) {
            float r = reference[i];
            float a = actual[i];
            boolean ok = tolerance == null ? Float.floatToIntBits(r) == Float.floatToIntBits(a) : tolerance.accepts(r, a);
            if (!ok) {
                outside++;
                first = first < 0 ? i : first;
            }
            if (Float.isFinite(r) && Float.isFinite(a)) {
                double abs = Math.abs((double) a - r);
                maxAbs = Math.max(maxAbs, abs);
                maxRel = Math.max(maxRel, abs == 0 ? 0 : abs / Math.abs((double) r));
            }
        }
        return new ValueDiff(reference.length, maxAbs, maxRel, outside, first);
    }

    boolean ok() {
        return outside == 0;
    }
}
