package dev.clpool.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Conversions between ONNX Runtime's {@link OnnxTensor} and clpool's {@link Tensor}, sharing memory where ONNX
 * Runtime allows it.
 *
 * <p>ONNX Runtime's Java API exposes a tensor's memory only when the tensor is backed by a Java direct buffer: then
 * {@link OnnxTensor#getBufferRef()} is that buffer, the caller's (a tensor made from a direct buffer) or ONNX
 * Runtime's own copy (a tensor made from a Java array or a heap buffer). A session's outputs live in native memory
 * reachable only through {@code getByteBuffer()}/{@code getFloatBuffer()}, which copy into the Java heap; to receive
 * outputs without that copy, hand {@code OrtSession.run(inputs, pinnedOutputs)} an output {@link #allocate allocated}
 * here.
 */
public final class OnnxTensors {
    private static final int PAGE = 4096;

    private OnnxTensors() {
    }

    /**
     * The elements of an ONNX tensor as a clpool tensor. No copy when {@code tensor} was made from a direct buffer
     * in native byte order (a {@code ByteBuffer} of any element type, or a {@code FloatBuffer} of FLOAT): the result
     * is a view of that buffer, which stays valid after the ONNX tensor is closed. Otherwise one copy into the Java
     * heap ({@code getByteBuffer()}).
     *
     * @throws IllegalArgumentException for an element type clpool does not hold, naming it
     */
    public static Tensor toTensor(OnnxTensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        DType dtype = OnnxTypes.dtype("tensor", tensor);
        Shape shape = Shape.of(tensor.getInfo().getShape());
        Optional<Buffer> memory = backingBuffer(tensor).filter(Buffer::isDirect);
        if (memory.isPresent() && memory.get() instanceof ByteBuffer bytes) {
            return Tensor.of(bytes, dtype, shape); // getBufferRef() sets a ByteBuffer's order to the native one
        }
        if (memory.isPresent() && memory.get() instanceof FloatBuffer floats && floats.order() == ByteOrder.nativeOrder()) {
            return Tensor.of(floats, shape);
        }
        return Tensor.of(tensor.getByteBuffer(), dtype, shape);
    }

    /**
     * The Java buffer ONNX Runtime reads the tensor from, if any. ONNX Runtime 1.22's {@code getBufferRef()} throws
     * a NullPointerException, instead of returning an empty Optional, for memory it allocated (a session's outputs).
     */
    private static Optional<Buffer> backingBuffer(OnnxTensor tensor) {
        try {
            return tensor.getBufferRef();
        } catch (NullPointerException e) {
            return Optional.empty();
        }
    }

    /**
     * An ONNX tensor of a clpool tensor's elements, in C order. No copy when {@code tensor} is {@link Tensor#isDirect()
     * direct}, in native byte order and contiguous (e.g. {@link Tensor#allocateDirect}, or clpool's results for such
     * an input): ONNX Runtime reads the tensor's memory and holds its buffer, so the memory lives as long as the
     * returned object. Otherwise the elements are first copied into page-aligned direct memory (channels-last tensors
     * are reordered into C order).
     *
     * @throws OrtException when ONNX Runtime refuses the tensor
     */
    public static OnnxTensor toOnnxTensor(OrtEnvironment env, Tensor tensor) throws OrtException {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(tensor, "tensor");
        Tensor contiguous = tensor.layout() == Layout.CONTIGUOUS ? tensor : tensor.toLayout(Layout.CONTIGUOUS);
        Tensor shared = isSharable(contiguous) ? contiguous : contiguous.toDirect();
        long[] shape = shared.shape().toArray();
        Buffer buffer = shared.buffer();
        return switch (shared.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, (FloatBuffer) buffer, shape);
            case FLOAT64 -> OnnxTensor.createTensor(env, (DoubleBuffer) buffer, shape);
            case INT64 -> OnnxTensor.createTensor(env, (LongBuffer) buffer, shape);
            case FLOAT16, BFLOAT16 ->
                    OnnxTensor.createTensor(env, (ShortBuffer) buffer, shape, OnnxTypes.onnxType(shared.dtype()));
        };
    }

    /**
     * New zeroed direct memory seen both as a clpool tensor and as an ONNX tensor: a target for
     * {@code Clpool.poolInto} that ONNX Runtime reads without a copy, or a pinned output of {@code OrtSession.run}
     * that clpool reads without a copy.
     */
    public static SharedOnnxTensor allocate(OrtEnvironment env, DType dtype, Shape shape) throws OrtException {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        long size = Math.multiplyExact(shape.elementCount(), dtype.byteSize());
        if (size > Integer.MAX_VALUE - 2L * PAGE) {
            throw new IllegalArgumentException("shape " + shape + ": " + size + " bytes of " + dtype
                    + " are more than one direct buffer holds (2 GiB)");
        }
        ByteBuffer bytes = pageAligned((int) size);
        // Made from a ByteBuffer, the ONNX tensor hands that buffer back, so toTensor shares it for every element type.
        OnnxTensor onnx = OnnxTensor.createTensor(env, bytes, shape.toArray(), OnnxTypes.onnxType(dtype));
        return new SharedOnnxTensor(Tensor.of(bytes, dtype, shape), onnx);
    }

    /** Zeroed direct memory in native order starting on a page, as {@link Tensor#allocateDirect}'s: what OpenCL CPUs use in place. */
    private static ByteBuffer pageAligned(int bytes) {
        int pages = (bytes + PAGE - 1) / PAGE;
        // alignedSlice rounds both ends to whole pages: a page more than the pages the elements take.
        ByteBuffer aligned = ByteBuffer.allocateDirect((pages + 1) * PAGE).alignedSlice(PAGE);
        return aligned.limit(bytes).slice().order(ByteOrder.nativeOrder());
    }

    /** ONNX Runtime wraps a direct buffer as it is, reading it in native byte order. */
    private static boolean isSharable(Tensor t) {
        return t.isDirect() && order(t.buffer()) == ByteOrder.nativeOrder();
    }

    private static ByteOrder order(Buffer typed) {
        if (typed instanceof FloatBuffer b) {
            return b.order();
        }
        if (typed instanceof ShortBuffer b) {
            return b.order();
        }
        if (typed instanceof DoubleBuffer b) {
            return b.order();
        }
        return ((LongBuffer) typed).order();
    }
}
