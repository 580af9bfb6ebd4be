package dev.clpool.stream;

import dev.clpool.npy.NpyHeader;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * What {@link MappedSource} and {@link InflatedSource} share: the array a NumPy file's header declares
 * (its dtype, byte order, shape and layout), and how far its data has been read. {@link #next} checks the
 * count against what is left and counts the run as read once {@link #read} has returned it.
 */
abstract class FileSource implements ChunkSource {
    final DType dtype;
    final ByteOrder order;
    final Shape shape;
    final Layout layout;
    /** The file (and key), for messages. */
    final String name;
    final long dataBytes;
    /** Bytes of the data read so far; only {@link #next} moves it. */
    long position;

    /**
     * The array {@code header} declares, seen in {@code layout}.
     *
     * @throws IllegalArgumentException for channels last of an array that is not 4-d or 5-d
     */
    FileSource(NpyHeader header, Layout layout, String name) {
        this.dtype = header.dtype();
        this.order = header.order();
        this.shape = layout.logicalShape(header.shape());
        this.layout = layout;
        this.name = name;
        this.dataBytes = shape.elementCount() * dtype.byteSize();
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
    public final Tensor next(int count) throws IOException {
        long bytes = (long) count * dtype.byteSize();
        if (count < 0 || bytes > dataBytes - position) {
            throw new IllegalArgumentException("count: " + count + " elements asked of " + name + ", which has "
                    + (dataBytes - position) / dtype.byteSize() + " left");
        }
        Tensor run = read(count, bytes);
        position += bytes;
        return run;
    }

    /** The next {@code count} elements, {@code bytes} of data from {@link #position}, which is then moved past them. */
    abstract Tensor read(int count, long bytes) throws IOException;
}
