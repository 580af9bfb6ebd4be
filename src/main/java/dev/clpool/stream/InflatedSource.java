package dev.clpool.stream;

import dev.clpool.npy.NpyFormatException;
import dev.clpool.npy.NpzMember;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The elements of a deflated {@code .npz} member, inflated as they are read into reused direct buffers (native
 * byte order): as many as runs are alive at once (two in a {@link ChunkStream}), each as large as
 * one run, whatever the stream's length.
 */
final class InflatedSource extends FileSource {
    private static final int COPY_BYTES = 1 << 16;

    private final InputStream in;
    private final NpzMember member;
    private final byte[] copy = new byte[COPY_BYTES];
    private final Queue<ChunkBuffer> free = new ConcurrentLinkedQueue<>();
    private final Map<Tensor, ChunkBuffer> lent = new ConcurrentHashMap<>();

    /** Reads the data of {@code member}, seen in {@code layout}; closing this closes the member. */
    InflatedSource(NpzMember member, Layout layout) throws IOException {
        super(member.header(), layout, member.name());
        this.member = member;
        this.in = member.openData();
    }

    @Override
    Tensor read(int count, long bytes) throws IOException {
        ChunkBuffer buffer = free.poll();
        buffer = buffer == null ? new ChunkBuffer() : buffer;
        Tensor t = buffer.tensor(dtype, Shape.of(count), Layout.CONTIGUOUS);
        fill(t, bytes);
        lent.put(t, buffer);
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
