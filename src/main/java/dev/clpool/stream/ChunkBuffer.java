package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page-aligned direct memory in native byte order, reused for tensors of up to its size: a chunk's results,
 * or a step's scratch space, without allocating per chunk. It grows when asked for more. One thread at a time.
 */
public final class ChunkBuffer {
    private static final int PAGE = 4096;
    /** The most bytes one buffer holds: a {@code ByteBuffer}'s limit, less the alignment. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 2L * PAGE;

    private ByteBuffer memory;

    /**
     * A tensor over the start of this memory (earlier tensors from it see the same bytes).
     *
     * @throws IllegalArgumentException when the tensor needs more than {@link #MAX_BYTES}
     */
    public Tensor tensor(DType dtype, Shape shape, Layout layout) {
        long bytes = Math.multiplyExact(shape.elementCount(), dtype.byteSize());
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("shape " + shape + ": " + bytes + " bytes of " + dtype
                    + " are more than one buffer holds (2 GiB)");
        }
        if (memory == null || memory.capacity() < bytes) {
            // Whole pages and one more: the aligned slice keeps whole pages from the first page boundary.
            long pages = (bytes + PAGE - 1) / PAGE;
            memory = ByteBuffer.allocateDirect((int) ((pages + 1) * PAGE)).alignedSlice(PAGE);
        }
        ByteBuffer view = memory.slice(0, (int) bytes).order(ByteOrder.nativeOrder());
        return Tensor.of(view, dtype, shape).view(shape, layout);
    }
}
