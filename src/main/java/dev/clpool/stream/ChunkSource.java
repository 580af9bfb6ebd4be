package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;

/**
 * A tensor read a run of elements at a time, in memory order from the first, e.g. a {@code .npy} file of
 * any size ({@link NpySource}). {@link ChunkStream} asks for runs of whole planes (whole batch elements
 * in channels last), one thread at a time, and {@linkplain #release releases} each when it is done with it.
 */
public interface ChunkSource extends AutoCloseable {
    /** The element type. */
    DType dtype();

    /** The whole tensor's logical shape, e.g. {@code (N, C, H, W)} in either layout. */
    Shape shape();

    /** The order of the elements: C order of {@link #shape()}, or channels last. */
    Layout layout();

    /**
     * The next {@code count} elements, a 1-d tensor: a view of the source's memory where it can be (a mapped
     * file), else memory of the source's that stays valid until {@link #release released}.
     *
     * @throws IllegalArgumentException when fewer than {@code count} elements are left
     */
    Tensor next(int count) throws IOException;

    /** The reader is done with a tensor {@link #next} returned: the source may reuse its memory. */
    default void release(Tensor chunk) {
    }

    @Override
    void close() throws IOException;
}
