package dev.clpool.stream;

import dev.clpool.io.AtomicFiles;
import dev.clpool.npy.Npy;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A {@code .npy} file written as its chunks come, the bytes {@link Npy#write} writes: the header first (the
 * shape is known in advance), then each chunk's elements, little-endian, into a temporary file beside the
 * target that {@link #commit()} renames into place. Closing it uncommitted deletes the temporary file: a
 * failed run leaves no partial file, and an existing file as it was.
 */
public final class NpyFileSink implements ChunkSink {
    private static final int COPY_BYTES = 1 << 20;

    private final Path file;
    private final DType dtype;
    private final long elements;
    private final AtomicFiles.Pending pending;
    private final ByteBuffer copy;
    private long written;

    private NpyFileSink(Path file, DType dtype, long elements, AtomicFiles.Pending pending) {
        this.file = file;
        this.dtype = dtype;
        this.elements = elements;
        this.pending = pending;
        this.copy = ByteBuffer.allocateDirect(COPY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Opens the temporary file and writes the header of an array of {@code dtype} and logical {@code shape} in
     * {@code layout}: a channels-last {@code (N, C, H, W)} result is an {@code (N, H, W, C)} array, as it lies in memory.
     */
    public static NpyFileSink create(Path file, DType dtype, Shape shape, Layout layout) throws IOException {
        AtomicFiles.Pending pending = AtomicFiles.create(file);
        try {
            writeFully(pending.channel(), ByteBuffer.wrap(Npy.encodeHeader(dtype, layout.physicalShape(shape))));
            return new NpyFileSink(file, dtype, shape.elementCount(), pending);
        } catch (IOException | RuntimeException | Error e) {
            pending.close();
            throw e;
        }
    }

    /** Opens a sink that writes {@code file}, for a {@link ChunkStream.Output}. */
    public static ChunkSink.Opener opener(Path file) {
        return (dtype, shape, layout) -> create(file, dtype, shape, layout);
    }

    /**
     * @throws IllegalArgumentException for a chunk of another dtype, or more elements than the header declares
     */
    @Override
    public void write(Tensor chunk) throws IOException {
        if (chunk.dtype() != dtype) {
            throw new IllegalArgumentException("chunk: " + chunk + " is not " + dtype + ", the dtype of " + file);
        }
        if (chunk.elementCount() > elements - written) {
            throw new IllegalArgumentException("chunk: " + chunk + " has more elements than the " + (elements - written)
                    + " left of " + file);
        }
        int step = COPY_BYTES / dtype.byteSize();
        for (long at = 0; at < chunk.elementCount(); at += step) {
            int n = (int) Math.min(step, chunk.elementCount() - at);
            copy.clear();
            chunk.copyTo(at, copy, n);
            writeFully(pending.channel(), copy.limit(n * dtype.byteSize()));
        }
        written += chunk.elementCount();
    }

    /**
     * @throws IllegalStateException when fewer elements were written than the header declares
     */
    @Override
    public void commit() throws IOException {
        if (written != elements) {
            throw new IllegalStateException(file + ": " + written + " of " + elements + " elements written; nothing committed");
        }
        pending.commit();
    }

    @Override
    public void close() throws IOException {
        pending.close();
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
