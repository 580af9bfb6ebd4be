package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Elements that lie in a file as they are (a {@code .npy} file's data, a stored {@code .npz} member's), mapped
 * read-only in windows: each run {@link #next} returns is a view of a window, paged in by the reading thread,
 * never copied. A window holds whole runs, as many as fit in {@link #WINDOW_BYTES} (one {@code MappedByteBuffer}
 * holds at most 2 GiB), so that the file's size does not matter. The JDK unmaps a window once no view of it is left.
 */
final class MappedSource implements ChunkSource {
    /** The most bytes mapped at once, a whole number of runs (at least one). */
    static final long WINDOW_BYTES = 1L << 30;

    private final FileChannel channel;
    private final long dataOffset;
    private final long dataBytes;
    private final DType dtype;
    private final ByteOrder order;
    private final Shape shape;
    private final Layout layout;
    private final String name;
    private MappedByteBuffer window;
    private long windowStart;
    private long position;

    MappedSource(FileChannel channel, long dataOffset, DType dtype, ByteOrder order, Shape shape, Layout layout, String name) {
        this.channel = channel;
        this.dataOffset = dataOffset;
        this.dataBytes = shape.elementCount() * dtype.byteSize();
        this.dtype = dtype;
        this.order = order;
        this.shape = shape;
        this.layout = layout;
        this.name = name;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public Layout layout() {
        return layout;
    }

    @Override
    public Tensor next(int count) throws IOException {
        long bytes = (long) count * dtype.byteSize();
        if (count < 0 || bytes > dataBytes - position) {
            throw new IllegalArgumentException("count: " + count + " elements asked of " + name + ", which has "
                    + (dataBytes - position) / dtype.byteSize() + " left");
        }
        if (window == null || position + bytes > windowStart + window.capacity()) {
            long length = Math.min(dataBytes - position, Math.max(bytes, WINDOW_BYTES / Math.max(1, bytes) * bytes));
            window = channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + position, length);
            windowStart = position;
        }
        MappedByteBuffer run = window.slice((int) (position - windowStart), (int) bytes);
        run.load(); // pages the run in here, on the reading thread, not in the step that reads it next
        position += bytes;
        return Tensor.of(run.order(order), dtype, Shape.of(count));
    }

    @Override
    public void close() throws IOException {
        window = null;
        channel.close();
    }
}
