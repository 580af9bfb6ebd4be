package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;

/**
 * Where a result goes a run of elements at a time, in memory order, e.g. a {@code .npy} file
 * ({@link NpyFileSink}): {@link #write} for each chunk in turn, then {@link #commit()} once the last one is
 * written; {@link #close()} without a commit discards everything (a file: no output, no temporary file).
 */
public interface ChunkSink extends AutoCloseable {
    /** Writes the next chunk's elements, which follow the previous chunk's in memory order. */
    void write(Tensor chunk) throws IOException;

    /** Makes the complete result visible (a file: renamed into place); called once, after the last chunk. */
    void commit() throws IOException;

    /** Releases the sink; without a {@link #commit()}, what was written is discarded. */
    @Override
    void close() throws IOException;

    /** Opens a sink once the result's dtype, logical shape and layout are known (a file writes its header then). */
    @FunctionalInterface
    interface Opener {
        ChunkSink open(DType dtype, Shape shape, Layout layout) throws IOException;
    }
}
