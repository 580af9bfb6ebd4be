package dev.clpool;

/**
 * A dense host tensor in C order (the last dimension varies fastest): a {@link Shape}, a {@link DType}
 * and a Java array holding the elements.
 *
 * <p>A tensor wraps the array it is given, without copying: clpool never writes to an input tensor's
 * array, and the arrays of the tensors it returns belong to the caller.
 */
public final class Tensor {
    private final Shape shape;
    private final DType dtype;
    private final Object data;

    private Tensor(Shape shape, DType dtype, Object data, int length) {
        long expected = shape.elementCount();
        if (expected != length) {
            throw new IllegalArgumentException("data: length " + length + " does not match shape " + shape
                    + ", which has " + expected + " elements");
        }
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
    }

    /** A float32 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, long... shape) {
        return of(data, Shape.of(shape));
    }

    /** A float32 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, Shape shape) {
        return new Tensor(shape, DType.FLOAT32, data, data.length);
    }

    /** An int64 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor ofInt64(long[] data, Shape shape) {
        return new Tensor(shape, DType.INT64, data, data.length);
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    /** The number of elements. */
    public long elementCount() {
        return shape.elementCount();
    }

    /**
     * The float32 elements, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is not float32
     */
    public float[] floats() {
        requireType(DType.FLOAT32);
        return (float[]) data;
    }

    /**
     * The int64 elements, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is not int64
     */
    public long[] int64s() {
        requireType(DType.INT64);
        return (long[]) data;
    }

    private void requireType(DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("this tensor holds " + dtype + ", not " + wanted);
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype;
    }
}
