package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import java.util.Arrays;

/**
 * How one tensor of a run is cut into units that are computed on their own: planes in C order (every
 * dimension before the {@code spatialRank} computed ones), whole batch elements in channels last (whose
 * planes interleave). A chunk of {@code n} units is the tensor {@code (n, unit...)}: {@code (n, H, W)} of
 * planes, {@code (n, C, H, W)} of batch elements.
 *
 * @param name the tensor and its shape, for messages
 * @param dtype the element type
 * @param layout the tensor's layout, which its chunks keep
 * @param units how many units the tensor has
 * @param unit the shape of one unit
 */
record Cut(String name, DType dtype, Layout layout, long units, Shape unit) {
    /**
     * @throws IllegalArgumentException naming {@code name} when the tensor has no dimension before its
     *     computed ones
     */
    static Cut of(String name, DType dtype, Shape shape, Layout layout, int spatialRank) {
        int lead = layout == Layout.CHANNELS_LAST ? 1 : shape.rank() - spatialRank;
        if (lead < 1) {
            throw new IllegalArgumentException(name + ": shape " + shape + " has no dimension before its " + spatialRank
                    + " pooled ones to cut into chunks");
        }
        long[] dims = shape.toArray();
        Shape unit = Shape.of(Arrays.copyOfRange(dims, lead, dims.length));
        return new Cut(name + " " + shape, dtype, layout, shape.product(0, lead), unit);
    }

    long unitElements() {
        return unit.elementCount();
    }

    long unitBytes() {
        return unitElements() * dtype.byteSize();
    }

    long bytes() {
        return units * unitBytes();
    }

    /** The shape of a chunk of {@code n} units. */
    Shape chunk(long n) {
        long[] u = unit.toArray();
        long[] dims = new long[u.length + 1];
        dims[0] = n;
        System.arraycopy(u, 0, dims, 1, u.length);
        return Shape.of(dims);
    }
}
