package dev.clpool.stream;

import dev.clpool.npy.NpyFormatException;
import dev.clpool.npy.NpzMember;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The elements of a deflated {@code .npz} member, inflated as they are read into reused direct buffers (native
 * byte order): as many as runs are alive at once (two in a {@link ChunkStream}), each as large as
 * one run, whatever the stream's length.
 */
final class InflatedSource implements ChunkSource {
    private static final int COPY_BYTES = 1 << 16;

    private final InputStream in;
    private final NpzMember member;
    private final DType dtype;
    private final ByteOrder order;
    private final Shape shape;
    private final Layout layout;
    private final String name;
    private final long dataBytes;
    private final byte[] copy = new byte[COPY_BYTES];
    private final Queue<ChunkBuffer> free = new ConcurrentLinkedQueue<>();
    private final Map<Tensor, ChunkBuffer> lent = new ConcurrentHashMap<>();
    private long position;

    /** Reads {@code in}, positioned at the data of {@code member}; closing this closes both. */
    InflatedSource(InputStream in, NpzMember member, DType dtype, ByteOrder order, Shape shape, Layout layout, String name) {
        this.in = in;
        this.member = member;
        this.dtype = dtype;
        this.order = order;
        this.shape = shape;
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
    public Tensor next(int count) throws IOException {
        long bytes = (long) count * dtype.byteSize();
        if (count < 0 || bytes > dataBytes - position) {
            throw new IllegalArgumentException("count: " + count + " elements asked of " + name + ", which has "
                    + (dataBytes - position) / dtype.byteSize() + " left");
        }
        ChunkBuffer buffer = free.poll();
        buffer = buffer == null ? new ChunkBuffer() : buffer;
        Tensor t = buffer.tensor(dtype, Shape.of(count), Layout.CONTIGUOUS);
        fill(t, bytes);
        lent.put(t, buffer);
        position += bytes;
        return t;
    }

    /** Reads {@code bytes} into {@code raw}, from the stream's byte order into the tensor's. */
    private void fill(Tensor raw, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(copy).order(order);
        long done = 0;
        while (done < bytes) {
            int want = (int) Math.min(copy.length, bytes - done);
            int got = readFully(want);
            if (got < want) {
                throw new NpyFormatException(name + ": truncated: the data ends after " + (position + done + got) + " of "
                        + dataBytes + " bytes");
            }
            raw.copyFrom(done / dtype.byteSize(), chunk.clear(), want / dtype.byteSize());
            done += want;
        }
    }

    private int readFully(int want) throws IOException {
        int got = 0;
        while (got < want) {
            int n = in.read(copy, got, want - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    @Override
    public void release(Tensor chunk) {
        ChunkBuffer buffer = lent.remove(chunk);
        if (buffer != null) {
            free.add(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        free.clear();
        try {
            in.close();
        } finally {
            member.close();
        }
    }
}
