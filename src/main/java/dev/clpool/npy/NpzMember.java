package dev.clpool.npy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * One array of an open {@code .npz} archive, its header read and checked and its data not: for readers
 * that take the data a run at a time. A stored member (what {@code numpy.savez} writes) lies in the archive
 * as it is, at {@link #dataOffset()}, so it can be memory-mapped; a deflated one ({@code savez_compressed})
 * is inflated as {@link #openData()} is read. The archive stays open until this member is closed.
 */
public final class NpzMember implements AutoCloseable {
    private final ZipFile zip;
    private final ZipEntry entry;
    private final String name;
    private final NpyHeader header;
    private final long dataOffset;

    private NpzMember(ZipFile zip, ZipEntry entry, String name, NpyHeader header, long dataOffset) {
        this.zip = zip;
        this.entry = entry;
        this.name = name;
        this.header = header;
        this.dataOffset = dataOffset;
    }

    /** Reads the member's header from the archive {@code zip} (opened from {@code file}), which this member then owns. */
    static NpzMember of(ZipFile zip, Path file, ZipEntry entry, String name, boolean bfloat16Bits) throws IOException {
        NpyHeader header;
        try (InputStream in = zip.getInputStream(entry)) {
            header = NpyDecoder.header(in::read, entry.getSize(), name, bfloat16Bits);
        } catch (ZipException e) {
            throw corrupt(name, e);
        }
        long offset = -1;
        if (entry.getMethod() == ZipEntry.STORED) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                offset = ZipOffsets.dataOffset(channel, entry.getName(), name) + header.headerBytes();
            }
        }
        return new NpzMember(zip, entry, name, header, offset);
    }

    /** The refusal of a member whose compressed data cannot be inflated, naming it. */
    private static NpyFormatException corrupt(String name, ZipException e) {
        return new NpyFormatException(name + ": corrupt compressed data (" + e.getMessage() + ")");
    }

    /** {@code archive.npz:key}, as errors name it. */
    public String name() {
        return name;
    }

    public NpyHeader header() {
        return header;
    }

    /** True when the member is stored uncompressed, its data at {@link #dataOffset()} in the archive. */
    public boolean isStored() {
        return dataOffset >= 0;
    }

    /**
     * Where a stored member's data starts in the archive file.
     *
     * @throws IllegalStateException for a deflated member
     */
    public long dataOffset() {
        if (!isStored()) {
            throw new IllegalStateException(name + " is deflated: its data is not in the archive as it is; read openData()");
        }
        return dataOffset;
    }

    /**
     * A new stream of the member's data from its first element (inflated as it is read for a deflated member);
     * the caller closes it. Compressed data that cannot be inflated is an {@link NpyFormatException} naming the member.
     */
    public InputStream openData() throws IOException {
        InputStream in = new Inflating(zip.getInputStream(entry), name);
        try {
            in.skipNBytes(header.headerBytes());
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** A member's stream whose inflating errors name the member. */
    private static final class Inflating extends FilterInputStream {
        private final String name;

        Inflating(InputStream in, String name) {
            super(in);
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException e) {
                throw corrupt(name, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException e) {
                throw corrupt(name, e);
            }
        }
    }

    /** Closes the archive. */
    @Override
    public void close() throws IOException {
        zip.close();
    }
}
