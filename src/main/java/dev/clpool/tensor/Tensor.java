package dev.clpool.tensor;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * A dense host tensor: a {@link Shape}, a {@link DType}, a {@link Layout} and its elements, held in a Java
 * array ({@code float[]} for float32, {@code short[]} bit patterns for float16 and bfloat16,
 * {@code double[]} for float64, {@code long[]} for int64) or in an NIO buffer ({@code FloatBuffer},
 * {@code ByteBuffer}, ... in little- or big-endian order: memory of another library's, a memory-mapped
 * file, or {@link #allocateDirect page-aligned direct memory}). The shape is logical, {@code (N, C, H, W)},
 * in every layout; the layout says the order of the elements (C order of the shape by default,
 * {@link Layout#CHANNELS_LAST} for NHWC).
 *
 * <p>A tensor wraps the array or buffer it is given, without copying: clpool never writes to an input
 * tensor, and the tensors it returns belong to the caller, in the same kind of storage as the input (an
 * array for an array, direct memory for a buffer).
 */
public final class Tensor {
    /** The most elements a tensor holds: a Java array's limit (a little under 2^31, as the JDK's own). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final Shape shape;
    private final DType dtype;
    private final Layout layout;
    private final Storage storage;

    private Tensor(Shape shape, DType dtype, Layout layout, Storage storage) {
        long expected = shape.elementCount();
        if (expected != storage.length()) {
            throw new IllegalArgumentException("data: length " + storage.length() + " does not match shape " + shape
                    + ", which has " + expected + " elements");
        }
        layout.check(shape);
        this.shape = shape;
        this.dtype = dtype;
        this.layout = layout;
        this.storage = storage;
    }

    private static Tensor onHeap(Object array, DType dtype, Shape shape) {
        return new Tensor(Objects.requireNonNull(shape, "shape"), dtype, Layout.CONTIGUOUS,
                new Storage.OnHeap(Objects.requireNonNull(array, "data")));
    }

    /** A float32 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, long... shape) {
        return of(data, Shape.of(shape));
    }

    /** A float32 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, Shape shape) {
        return onHeap(data, DType.FLOAT32, shape);
    }

    /** An int64 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor ofInt64(long[] data, Shape shape) {
        return onHeap(data, DType.INT64, shape);
    }

    /** A float64 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, long... shape) {
        return of(data, Shape.of(shape));
    }

    /** A float64 tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, Shape shape) {
        return onHeap(data, DType.FLOAT64, shape);
    }

    /** A float16 tensor over the bit patterns {@code bits} (not copied; see {@link Float16}). */
    public static Tensor ofFloat16(short[] bits, long... shape) {
        return ofFloat16(bits, Shape.of(shape));
    }

    /** A float16 tensor over the bit patterns {@code bits} (not copied; see {@link Float16}). */
    public static Tensor ofFloat16(short[] bits, Shape shape) {
        return onHeap(bits, DType.FLOAT16, shape);
    }

    /** A bfloat16 tensor over the bit patterns {@code bits} (not copied; see {@link BFloat16}). */
    public static Tensor ofBFloat16(short[] bits, long... shape) {
        return ofBFloat16(bits, Shape.of(shape));
    }

    /** A bfloat16 tensor over the bit patterns {@code bits} (not copied; see {@link BFloat16}). */
    public static Tensor ofBFloat16(short[] bits, Shape shape) {
        return onHeap(bits, DType.BFLOAT16, shape);
    }

    /**
     * A float32 tensor over the elements of {@code data} from its position to its limit (not copied; the
     * buffer's position is left alone), e.g. ONNX Runtime's {@code OnnxTensor.getFloatBuffer()} or a view
     * of a direct {@code ByteBuffer}.
     */
    public static Tensor of(FloatBuffer data, long... shape) {
        return of(data, Shape.of(shape));
    }

    /** A float32 tensor over the elements of {@code data} from its position to its limit (not copied). */
    public static Tensor of(FloatBuffer data, Shape shape) {
        return new Tensor(Objects.requireNonNull(shape, "shape"), DType.FLOAT32, Layout.CONTIGUOUS,
                new Storage.InBuffer(data.slice()));
    }

    /**
     * A tensor of {@code dtype} over the bytes of {@code data} from its position to its limit, in the
     * buffer's byte order (not copied; the buffer's position is left alone): e.g. DJL's
     * {@code NDArray.toByteBuffer()}, a region of a memory-mapped file, or {@code ByteBuffer.allocateDirect}.
     *
     * @throws IllegalArgumentException when the byte count is not the shape's elements times the dtype's size
     */
    public static Tensor of(ByteBuffer data, DType dtype, Shape shape) {
        Objects.requireNonNull(dtype, "dtype");
        long bytes = Math.multiplyExact(shape.elementCount(), dtype.byteSize());
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("data: " + data.remaining() + " bytes do not match shape " + shape + " of "
                    + dtype + ", which needs " + bytes);
        }
        return new Tensor(shape, dtype, Layout.CONTIGUOUS, Storage.view(data, dtype));
    }

    /**
     * A new tensor of zeros on the Java heap.
     *
     * @throws IllegalArgumentException when the shape has more elements than a Java array holds, or the
     *     layout does not fit its rank
     */
    public static Tensor zeros(DType dtype, Shape shape, Layout layout) {
        return new Tensor(shape, dtype, layout, Storage.onHeap(dtype, checkedLength(shape)));
    }

    /**
     * A new tensor of zeros in direct memory that starts on a page boundary, in native byte order: what
     * OpenCL devices on host memory (CPUs, integrated GPUs) read in place, without a copy.
     *
     * @throws IllegalArgumentException when the shape has more elements than one buffer holds
     */
    public static Tensor allocateDirect(DType dtype, Shape shape, Layout layout) {
        long bytes = checkedLength(shape) * (long) dtype.byteSize();
        if (bytes > Integer.MAX_VALUE - 2L * Storage.PAGE) {
            throw new IllegalArgumentException("shape " + shape + ": " + bytes + " bytes of " + dtype
                    + " are more than one direct buffer holds (2 GiB)");
        }
        return new Tensor(shape, dtype, layout, Storage.direct(dtype, (int) shape.elementCount()));
    }

    /** {@link #allocateDirect(DType, Shape, Layout)} in C order. */
    public static Tensor allocateDirect(DType dtype, Shape shape) {
        return allocateDirect(dtype, shape, Layout.CONTIGUOUS);
    }

    private static int checkedLength(Shape shape) {
        long n = shape.elementCount();
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("shape " + shape + ": " + n + " elements are more than a Java array holds");
        }
        return (int) n;
    }

    /**
     * A new tensor of zeros in the same kind of storage as this one: on the heap for a heap tensor, in
     * page-aligned direct memory for a direct one.
     */
    public Tensor like(DType dtype, Shape shape, Layout layout) {
        return isDirect() ? allocateDirect(dtype, shape, layout) : zeros(dtype, shape, layout);
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

    /** True when the elements are in a Java array ({@link #array()}), false when in a buffer ({@link #buffer()}). */
    public boolean hasArray() {
        return storage instanceof Storage.OnHeap;
    }

    /** True when the elements are in direct (off-heap) memory. */
    public boolean isDirect() {
        return storage instanceof Storage.InBuffer b && b.buffer().isDirect();
    }

    /**
     * The float32 elements, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is not float32 or not in an array
     */
    public float[] floats() {
        requireType(DType.FLOAT32);
        return (float[]) array();
    }

    /**
     * The int64 elements, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is not int64 or not in an array
     */
    public long[] int64s() {
        requireType(DType.INT64);
        return (long[]) array();
    }

    /**
     * The float64 elements, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is not float64 or not in an array
     */
    public double[] doubles() {
        requireType(DType.FLOAT64);
        return (double[]) array();
    }

    /**
     * The bit patterns of a float16 or bfloat16 tensor, the array itself (not a copy).
     *
     * @throws IllegalStateException if this tensor is neither, or not in an array
     */
    public short[] shorts() {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalStateException("this tensor holds " + dtype + ", not float16 or bfloat16");
        }
        return (short[]) array();
    }

    /**
     * The array, whatever its type: {@code float[]}, {@code short[]}, {@code double[]} or {@code long[]}.
     *
     * @throws IllegalStateException when the elements are in a buffer (see {@link #toHeap()})
     */
    public Object array() {
        if (storage instanceof Storage.OnHeap a) {
            return a.array();
        }
        throw new IllegalStateException("this tensor " + this + " is in a buffer, not an array; toHeap() copies it");
    }

    /**
     * The elements as stored, a buffer over this tensor's memory (not a copy): a {@code FloatBuffer},
     * {@code ShortBuffer}, {@code DoubleBuffer} or {@code LongBuffer} of {@link #elementCount()} elements,
     * in the storage's byte order.
     *
     * @throws IllegalStateException when the elements are in an array (see {@link #array()})
     */
    public Buffer buffer() {
        if (storage instanceof Storage.InBuffer b) {
            return b.buffer().duplicate();
        }
        throw new IllegalStateException("this tensor " + this + " is in an array, not a buffer; toDirect() copies it");
    }

    /** A copy on the Java heap (this tensor itself when it is there already is not returned: always a copy). */
    public Tensor toHeap() {
        return copyInto(zeros(dtype, shape, layout));
    }

    /** A copy in page-aligned direct memory, native byte order. */
    public Tensor toDirect() {
        return copyInto(allocateDirect(dtype, shape, layout));
    }

    /**
     * Copies every element into {@code target}, whatever both storages are, and returns it.
     *
     * @throws IllegalArgumentException when the target's dtype, shape or layout differ
     */
    public Tensor copyInto(Tensor target) {
        if (target.dtype != dtype || !target.shape.equals(shape) || target.layout != layout) {
            throw new IllegalArgumentException("target: " + target + " is not shaped like " + this);
        }
        int step = (1 << 20) / dtype.byteSize();
        ByteBuffer bounce = ByteBuffer.allocate(step * dtype.byteSize()).order(ByteOrder.nativeOrder());
        for (long at = 0; at < elementCount(); at += step) {
            int n = (int) Math.min(step, elementCount() - at);
            storage.copyTo(at, bounce, n);
            target.storage.copyFrom(at, bounce, n);
        }
        return target;
    }

    /**
     * Elements {@code [from, from + n)} as floats, into {@code dst} from {@code offset}: exact for
     * float32, float16 and bfloat16 (for float64, see {@link #readDoubles}).
     */
    public void readFloats(long from, float[] dst, int offset, int n) {
        requireFloatStorage();
        storage.readFloats(dtype, from, dst, offset, n);
    }

    /** Stores {@code n} floats of {@code src} from element {@code at}, rounded to float16 or bfloat16 (nearest, ties to even). */
    public void writeFloats(long at, float[] src, int offset, int n) {
        requireFloatStorage();
        storage.writeFloats(dtype, at, src, offset, n);
    }

    /** Elements {@code [from, from + n)} of a float64 tensor. */
    public void readDoubles(long from, double[] dst, int offset, int n) {
        requireType(DType.FLOAT64);
        storage.readDoubles(from, dst, offset, n);
    }

    /** Stores {@code n} doubles from element {@code at} of a float64 tensor. */
    public void writeDoubles(long at, double[] src, int offset, int n) {
        requireType(DType.FLOAT64);
        storage.writeDoubles(at, src, offset, n);
    }

    /** Elements {@code [from, from + n)} of an int64 tensor. */
    public void readLongs(long from, long[] dst, int offset, int n) {
        requireType(DType.INT64);
        storage.readLongs(from, dst, offset, n);
    }

    /** Stores {@code n} longs from element {@code at} of an int64 tensor. */
    public void writeLongs(long at, long[] src, int offset, int n) {
        requireType(DType.INT64);
        storage.writeLongs(at, src, offset, n);
    }

    /** Copies elements {@code [from, from + n)} as stored into {@code dst} from its position, in its byte order; {@code dst}'s position is left alone. */
    public void copyTo(long from, ByteBuffer dst, int n) {
        storage.copyTo(from, dst, n);
    }

    /** Stores {@code n} elements read from {@code src} from its position, in its byte order, at element {@code at}. */
    public void copyFrom(long at, ByteBuffer src, int n) {
        storage.copyFrom(at, src, n);
    }

    /**
     * This tensor's elements seen with another shape and layout, not copied: e.g. an {@code (N, H, W, C)} array
     * read from a file, {@code view(Shape.of(n, c, h, w), Layout.CHANNELS_LAST)}.
     *
     * @throws IllegalArgumentException when the element counts differ or the layout does not fit the shape
     */
    public Tensor view(Shape shape, Layout layout) {
        return new Tensor(Objects.requireNonNull(shape, "shape"), dtype, Objects.requireNonNull(layout, "layout"), storage);
    }

    /** This tensor's elements declared to be in {@code layout}, not copied nor reordered (see {@link #toLayout}). */
    public Tensor withLayout(Layout layout) {
        return view(shape, layout);
    }

    /** A copy on the heap holding the same logical elements in {@code layout}: reordered, or a plain copy when the layout is this one. */
    public Tensor toLayout(Layout layout) {
        return Layouts.convert(this, layout);
    }

    /** A copy of this tensor: its own memory of the same kind, the same dtype, shape and layout. */
    public Tensor copy() {
        return isDirect() ? toDirect() : toHeap();
    }

    /**
     * The elements converted to {@code target} (a floating-point type), in the same shape and layout, on the
     * heap: exactly when widening, rounded to nearest (ties to even) when narrowing, as PyTorch's {@code .to(dtype)}.
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

    private void requireFloatStorage() {
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalStateException("this tensor holds " + dtype + ", not float32, float16 or bfloat16");
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype + (layout == Layout.CONTIGUOUS ? "" : " " + layout)
                + (hasArray() ? "" : isDirect() ? " (direct)" : " (buffer)");
    }
}
