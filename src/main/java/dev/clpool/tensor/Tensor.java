package dev.clpool.tensor;

import java.util.Objects;

/**
 * A dense host tensor: a {@link Shape}, a {@link DType}, a {@link Layout} and a Java array holding the
 * elements: {@code float[]} for float32, {@code short[]} bit patterns for float16 and bfloat16,
 * {@code double[]} for float64, {@code long[]} for int64. The shape is logical, {@code (N, C, H, W)}, in
 * every layout; the layout says the order of the elements in the array (C order of the shape by default,
 * {@link Layout#CHANNELS_LAST} for NHWC).
 *
 * <p>A tensor wraps the array it is given, without copying: clpool never writes to an input tensor's
 * array, and the arrays of the tensors it returns belong to the caller.
 */
public final class Tensor {
    /** The most elements a tensor holds: a Java array's limit (a little under 2^31, as the JDK's own). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final Shape shape;
    private final DType dtype;
    private final Object data;
    private final Layout layout;

    private Tensor(Shape shape, DType dtype, Object data, int length) {
        this(shape, dtype, Layout.CONTIGUOUS, data, length);
    }

    private Tensor(Shape shape, DType dtype, Layout layout, Object data, int length) {
        long expected = shape.elementCount();
        if (expected != length) {
            throw new IllegalArgumentException("data: length " + length + " does not match shape " + shape
                    + ", which has " + expected + " elements");
        }
        layout.check(shape);
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
        this.layout = layout;
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

    /** A float64 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, long... shape) {
        return of(data, Shape.of(shape));
    }

    /** A float64 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, Shape shape) {
        return new Tensor(shape, DType.FLOAT64, data, data.length);
    }

    /** A float16 tensor over the bit patterns {@code bits} (not copied; see {@link Float16}). */
    public static Tensor ofFloat16(short[] bits, long... shape) {
        return ofFloat16(bits, Shape.of(shape));
    }

    /** A float16 tensor over the bit patterns {@code bits} (not copied; see {@link Float16}). */
    public static Tensor ofFloat16(short[] bits, Shape shape) {
        return new Tensor(shape, DType.FLOAT16, bits, bits.length);
    }

    /** A bfloat16 tensor over the bit patterns {@code bits} (not copied; see {@link BFloat16}). */
    public static Tensor ofBFloat16(short[] bits, long... shape) {
        return ofBFloat16(bits, Shape.of(shape));
    }

    /** A bfloat16 tensor over the bit patterns {@code bits} (not copied; see {@link BFloat16}). */
    public static Tensor ofBFloat16(short[] bits, Shape shape) {
        return new Tensor(shape, DType.BFLOAT16, bits, bits.length);
    }

    /**
     * A new tensor of zeros.
     *
     * @throws IllegalArgumentException when the shape has more elements than a Java array holds, or the
     *     layout does not fit its rank
     */
    public static Tensor zeros(DType dtype, Shape shape, Layout layout) {
        long n = shape.elementCount();
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("shape " + shape + ": " + n + " elements are more than a Java array holds");
        }
        int length = (int) n;
        Object array = switch (dtype) {
            case FLOAT32 -> new float[length];
            case INT64 -> new long[length];
            case FLOAT16, BFLOAT16 -> new short[length];
            case FLOAT64 -> new double[length];
        };
        return new Tensor(shape, dtype, layout, array, length);
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    /** How the elements lie in the array: {@link Layout#CONTIGUOUS} unless made otherwise. */
    public Layout layout() {
        return layout;
    }

    /** The shape in memory order, e.g. {@code (N, H, W, C)} in channels last: the shape of the array as NumPy would see it. */
    public Shape physicalShape() {
        return layout.physicalShape(shape);
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

    /**
     * The float64 elements, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is not float64
     */
    public double[] doubles() {
        requireType(DType.FLOAT64);
        return (double[]) data;
    }

    /**
     * The bit patterns of a float16 or bfloat16 tensor, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is neither
     */
    public short[] shorts() {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalStateException("this tensor holds " + dtype + ", not float16 or bfloat16");
        }
        return (short[]) data;
    }

    /** The array, whatever its type: {@code float[]}, {@code short[]}, {@code double[]} or {@code long[]}. */
    public Object array() {
        return data;
    }

    /**
     * This tensor's array seen with another shape and layout, not copied: e.g. an {@code (N, H, W, C)} array
     * read from a file, {@code view(Shape.of(n, c, h, w), Layout.CHANNELS_LAST)}.
     *
     * @throws IllegalArgumentException when the element counts differ or the layout does not fit the shape
     */
    public Tensor view(Shape shape, Layout layout) {
        return new Tensor(Objects.requireNonNull(shape, "shape"), dtype, Objects.requireNonNull(layout, "layout"), data,
                java.lang.reflect.Array.getLength(data));
    }

    /** This tensor's array declared to be in {@code layout}, not copied nor reordered (see {@link #toLayout}). */
    public Tensor withLayout(Layout layout) {
        return view(shape, layout);
    }

    /** A copy holding the same logical elements in {@code layout}: reordered, or a plain copy when the layout is this one. */
    public Tensor toLayout(Layout layout) {
        return Layouts.convert(this, layout);
    }

    /** A copy of this tensor: its own array, the same dtype, shape and layout. */
    public Tensor copy() {
        Object array = switch (dtype) {
            case FLOAT32 -> ((float[]) data).clone();
            case INT64 -> ((long[]) data).clone();
            case FLOAT16, BFLOAT16 -> ((short[]) data).clone();
            case FLOAT64 -> ((double[]) data).clone();
        };
        return new Tensor(shape, dtype, layout, array, java.lang.reflect.Array.getLength(array));
    }

    /**
     * The elements converted to {@code target} (a floating-point type), in the same shape and layout:
     * exactly when widening, rounded to nearest (ties to even) when narrowing, as PyTorch's {@code .to(dtype)}.
     *
     * @throws IllegalArgumentException for int64, from or to
     */
    public Tensor to(DType target) {
        return Layouts.convertType(this, target).withLayout(layout);
    }

    private void requireType(DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("this tensor holds " + dtype + ", not " + wanted);
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype + (layout == Layout.CONTIGUOUS ? "" : " " + layout);
    }
}
