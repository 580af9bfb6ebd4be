package dev.clpool.cli;

import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;

/**
 * A pooling result against a reference, PyTorch's way: averages within a tolerance, maxima bit-exact,
 * indices equal. Values and indices are compared only when their shapes agree.
 *
 * @param mode the pooling that produced both
 * @param actualShape the shape of the values under test
 * @param referenceShape the shape of the reference values
 * @param values the value comparison, or {@code null} when the shapes differ
 * @param indices the index comparison, or {@code null} when either side has no indices or the shapes differ
 */
record PoolDiff(PoolMode mode, Shape actualShape, Shape referenceShape, ValueDiff values, IndexDiff indices) {

    /**
     * Compares values, and indices when both sides have them. Each side's indices are shaped like its values.
     */
    static PoolDiff of(PoolMode mode, PoolResult actual, PoolResult reference, Tolerance tolerance) {
        Shape a = actual.values().shape();
        Shape r = reference.values().shape();
        if (!a.equals(r)) {
            return shapesDiffer(mode, a, r);
        }
        Running running = new Running(mode, tolerance, actual.hasIndices() && reference.hasIndices());
        running.add(actual, reference, 0);
        return running.result(a);
    }

    /** Shapes that differ: nothing else is compared. */
    static PoolDiff shapesDiffer(PoolMode mode, Shape actualShape, Shape referenceShape) {
        return new PoolDiff(mode, actualShape, referenceShape, null, null);
    }

    /** The comparison of results of one shape that come a part at a time (chunks of planes), in order. */
    static final class Running {
        private final PoolMode mode;
        private final ValueDiff.Running values;
        private final IndexDiff.Running indices;

        /** Averages within {@code tolerance}, maxima bit-exact; indices too when {@code withIndices}. */
        Running(PoolMode mode, Tolerance tolerance, boolean withIndices) {
            this.mode = mode;
            this.values = new ValueDiff.Running(mode == PoolMode.AVG ? tolerance : null);
            this.indices = withIndices ? new IndexDiff.Running() : null;
        }

        /** Compares the next part of both, whose first element is element {@code offset} of the whole. */
        void add(PoolResult actual, PoolResult reference, long offset) {
            values.add(reference.values(), actual.values(), offset);
            if (indices != null) {
                indices.add(reference.indices(), actual.indices(), offset);
            }
        }

        PoolDiff result(Shape shape) {
            return new PoolDiff(mode, shape, shape, values.result(), indices == null ? null : indices.result());
        }
    }

    boolean shapesMatch() {
        return values != null;
    }

    boolean ok() {
        return shapesMatch() && values.ok() && (indices == null || indices.ok());
    }

    /** {@code 0 of 3136 outside ...}, {@code 2 indices differ}: what is wrong, for the last line of a report. */
    String problems() {
        if (!shapesMatch()) {
            return "shapes differ: " + actualShape + " vs reference " + referenceShape;
        }
        StringBuilder b = new StringBuilder();
        if (!values.ok()) {
            b.append(values.outside()).append(" of ").append(values.elements())
                    .append(mode == PoolMode.AVG ? " values outside tolerance" : " max values differ");
        }
        if (indices != null && !indices.ok()) {
            b.append(b.length() == 0 ? "" : ", ").append(indices.differing()).append(" of ").append(indices.elements())
                    .append(" indices differ");
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
