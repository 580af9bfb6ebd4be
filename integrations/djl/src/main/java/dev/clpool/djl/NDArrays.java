package dev.clpool.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Conversions between DJL's {@link NDArray} and clpool's {@link Tensor}.
 *
 * <p>On DJL's PyTorch engine, {@code NDArray.toByteBuffer(true)} is a direct view of a dense, contiguous CPU array's
 * memory (native byte order), and {@code NDManager.create(ByteBuffer, Shape, DataType)} of a direct buffer wraps it
 * without a copy, holding the buffer for the array's life. Anything else (another engine, an array on a GPU, a
 * non-contiguous array, a typed or heap buffer given to {@code create}) is copied by DJL.
 */
public final class NDArrays {
    private static final int PAGE = 4096;

    private NDArrays() {
    }

    /**
     * The elements of an NDArray as a clpool tensor. On the PyTorch engine a dense, contiguous CPU array is not
     * copied: the tensor is a view of the array's memory, valid only while the array is open (call
     * {@link Tensor#copy()} to keep the elements longer). Otherwise DJL copies it into the Java heap (a GPU array:
     * to the CPU first).
     *
     * @throws IllegalArgumentException for an element type clpool does not hold, naming it
     */
    public static Tensor toTensor(NDArray array) {
        Objects.requireNonNull(array, "array");
        DType dtype = DjlTypes.dtype("array", array);
        return Tensor.of(array.toByteBuffer(true), dtype, Shape.of(array.getShape().getShape()));
    }

    /**
     * A new NDArray of {@code manager}'s holding a clpool tensor's elements in C order: one copy, into page-aligned
     * direct memory that the PyTorch engine then uses in place (other engines copy it again).
     *
     * @throws IllegalArgumentException for a bfloat16 tensor on the PyTorch engine, which aborts the JVM on bfloat16
     *     arrays (DJL 0.36, libtorch 2.7.1: {@code create} and {@code toType} alike)
     */
    public static NDArray toNDArray(NDManager manager, Tensor tensor) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(tensor, "tensor");
        if (tensor.dtype() == DType.BFLOAT16 && manager.getEngine().getEngineName().equals("PyTorch")) {
            throw new IllegalArgumentException("tensor: " + tensor + ": DJL's PyTorch engine aborts the JVM on bfloat16"
                    + " arrays; convert it first, e.g. tensor.to(DType.FLOAT32)");
        }
        Tensor contiguous = tensor.layout() == Layout.CONTIGUOUS ? tensor : tensor.toLayout(Layout.CONTIGUOUS);
        ByteBuffer bytes = pageAligned(contiguous.dtype(), contiguous.shape());
        contiguous.copyInto(Tensor.of(bytes, contiguous.dtype(), contiguous.shape()));
        return wrap(manager, bytes, contiguous.dtype(), contiguous.shape());
    }

    /** An NDArray over finished {@code bytes}: wrapped in place by the PyTorch engine, copied by engines that copy. */
    static NDArray wrap(NDManager manager, ByteBuffer bytes, DType dtype, Shape shape) {
        return manager.create(bytes, DjlTypes.shape(shape.toArray()), DjlTypes.dataType(dtype));
    }

    /** Zeroed direct memory in native order for {@code shape} of {@code dtype}, starting on a page as {@link Tensor#allocateDirect}'s. */
    static ByteBuffer pageAligned(DType dtype, Shape shape) {
        long size = Math.multiplyExact(shape.elementCount(), dtype.byteSize());
        if (size > Integer.MAX_VALUE - 2L * PAGE) {
            throw new IllegalArgumentException("shape " + shape + ": " + size + " bytes of " + dtype
                    + " are more than one direct buffer holds (2 GiB)");
        }
        int pages = (int) ((size + PAGE - 1) / PAGE);
        // alignedSlice rounds both ends to whole pages: a page more than the pages the elements take.
        ByteBuffer aligned = ByteBuffer.allocateDirect((pages + 1) * PAGE).alignedSlice(PAGE);
        return aligned.limit((int) size).slice().order(ByteOrder.nativeOrder());
    }
}
