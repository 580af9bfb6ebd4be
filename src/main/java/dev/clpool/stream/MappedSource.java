package dev.clpool.stream;

import dev.clpool.npy.NpyHeader;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Elements that lie in a file as they are (a {@code .npy} file's data, a stored {@code .npz} member's), mapped
 * read-only in windows: each run {@link #next} returns is a view of a window, paged in by the reading thread,
 * never copied. A window holds whole runs, as many as fit in {@link #WINDOW_BYTES} (one {@code MappedByteBuffer}
 * holds at most 2 GiB), so that the file's size does not matter. The JDK unmaps a window once no view of it is left.
 */
final class MappedSource extends FileSource {
    /** The most bytes mapped at once, a whole number of runs (at least one). */
    static final long WINDOW_BYTES = 1L << 30;

    private final FileChannel channel;
    private final long dataOffset;
    private MappedByteBuffer window;
    private long windowStart;

    /** Maps the data of the array {@code header} declares, {@code dataOffset} bytes into {@code file}; the file is only read. */
    MappedSource(Path file, long dataOffset, NpyHeader header, Layout layout, String name) throws IOException {
        super(header, layout, name);
        this.dataOffset = dataOffset;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    @Override
    Tensor read(int count, long bytes) throws IOException {
        if (window == null || position + bytes > windowStart + window.capacity()) {
            long length = Math.min(dataBytes - position, Math.max(bytes, WINDOW_BYTES / Math.max(1, bytes) * bytes));
            window = channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + position, length);
            windowStart = position;
        }
        MappedByteBuffer run = window.slice((int) (position - windowStart), (int) bytes);
        run.load(); // pages the run in here, on the reading thread, not in the step that reads it next
        return Tensor.of(run.order(order), dtype, Shape.of(count));
    }

    @Override
    public void close() throws IOException {
        window = null;
        channel.close();
    }
}
