package dev.clpool.cli;

import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;

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
        Tensor a = actual.values();
        Tensor r = reference.values();
        if (!a.shape().equals(r.shape())) {
            return new PoolDiff(mode, a.shape(), r.shape(), null, null);
        }
        ValueDiff values = mode == PoolMode.AVG ? ValueDiff.within(r.floats(), a.floats(), tolerance)
                : ValueDiff.bitExact(r.floats(), a.floats());
        IndexDiff indices = actual.hasIndices() && reference.hasIndices()
                ? IndexDiff.of(reference.indices().int64s(), actual.indices().int64s()) : null;
        return new PoolDiff(mode, a.shape(), r.shape(), values, indices);
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
