package dev.clpool.tensor;

import java.util.Arrays;

/**
 * The sizes of a tensor's dimensions, outermost first (e.g. {@code [N, C, H, W]}). Immutable.
 * Sizes are 64-bit, as PyTorch's; a size may be zero but never negative.
 */
public final class Shape {
    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** A shape with the given sizes; refuses negative sizes, naming the dimension and value. */
    public static Shape of(long... dims) {
        long[] copy = dims.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(copy) + ": dimension " + i
                        + " is negative (" + copy[i] + ")");
            }
        }
        return new Shape(copy);
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code i}; a negative {@code i} counts from the end, as in PyTorch. */
    public long dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public long[] toArray() {
        return dims.clone();
    }

    /**
     * The number of elements, the product of the sizes.
     *
     * @throws IllegalArgumentException if the product does not fit in a signed 64-bit integer
     */
    public long elementCount() {
        return product(0, dims.length);
    }

    /** The product of the sizes of dimensions {@code from} (inclusive) to {@code to} (exclusive). */
    public long product(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            try {
                n = Math.multiplyExact(n, dims[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + this + ": the element count overflows a 64-bit integer", e);
            }
        }
        return n;
    }

    /** This shape with dimensions {@code from} (inclusive) to the end replaced by {@code tail}. */
    public Shape withTail(int from, long... tail) {
        long[] out = Arrays.copyOf(dims, from + tail.length);
        System.arraycopy(tail, 0, out, from, tail.length);
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [1, 64, 8, 9]}, the form PyTorch prints. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
