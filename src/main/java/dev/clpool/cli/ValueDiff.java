package dev.clpool.cli;

import dev.clpool.tensor.Tensor;

/**
 * How far float32 values are from their reference.
 *
 * @param elements how many were compared
 * @param maxAbs the largest {@code |actual - reference|} over pairs of finite values
 * @param maxRel the largest {@code |actual - reference| / |reference|} over finite pairs (infinite when the reference is 0)
 * @param outside how many are not accepted (outside the tolerance, or not bit-identical)
 * @param firstOutside the flat index of the first one not accepted, or -1
 * @param firstActual the value under test there (0 when none)
 * @param firstReference the reference value there (0 when none)
 */
record ValueDiff(long elements, double maxAbs, double maxRel, long outside, long firstOutside, float firstActual,
                 float firstReference) {

    /** Averages: within a tolerance. */
    static ValueDiff within(float[] reference, float[] actual, Tolerance tolerance) {
        Running r = new Running(tolerance);
        r.add(reference, actual, reference.length, 0);
        return r.result();
    }

    /** Maxima: the same bits (any NaN matches any NaN; -0 differs from +0). */
    static ValueDiff bitExact(float[] reference, float[] actual) {
        return within(reference, actual, null);
    }

    boolean ok() {
        return outside == 0;
    }

    /** The comparison of a tensor and its reference that come a part at a time, in order. */
    static final class Running {
        private static final int BLOCK = 1 << 14;

        private final Tolerance tolerance;
        private final float[] reference = new float[BLOCK];
        private final float[] actual = new float[BLOCK];
        private long elements;
        private double maxAbs;
        private double maxRel;
        private long outside;
        private long first = -1;
        private float firstActual;
        private float firstReference;

        /** Within {@code tolerance}, or bit-exact (any NaN matching any NaN) when it is {@code null}. */
        Running(Tolerance tolerance) {
            this.tolerance = tolerance;
        }

        /** Compares the next part: float32 tensors of one shape, whose first element is element {@code offset} of the whole. */
        void add(Tensor referencePart, Tensor actualPart, long offset) {
            for (long at = 0; at < referencePart.elementCount(); at += BLOCK) {
                int n = (int) Math.min(BLOCK, referencePart.elementCount() - at);
                referencePart.readFloats(at, reference, 0, n);
                actualPart.readFloats(at, actual, 0, n);
                add(reference, actual, n, offset + at);
            }
        }

        private void add(float[] ref, float[] act, int n, long offset) {
            for (int i = 0; i < n; i++) {
                float r = ref[i];
                float a = act[i];
                boolean ok = tolerance == null ? Float.floatToIntBits(r) == Float.floatToIntBits(a) : tolerance.accepts(r, a);
                if (!ok) {
                    outside++;
                    if (first < 0) {
                        first = offset + i;
                        firstActual = a;
                        firstReference = r;
                    }
                }
                if (Float.isFinite(r) && Float.isFinite(a)) {
                    double abs = Math.abs((double) a - r);
                    maxAbs = Math.max(maxAbs, abs);
                    maxRel = Math.max(maxRel, abs == 0 ? 0 : abs / Math.abs((double) r));
                }
            }
            elements += n;
        }

        ValueDiff result() {
            return new ValueDiff(elements, maxAbs, maxRel, outside, first, firstActual, firstReference);
        }
    }
}
