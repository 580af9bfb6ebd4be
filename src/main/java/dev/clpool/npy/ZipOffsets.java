package dev.clpool.npy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Where an entry's bytes start in a zip archive, which {@code ZipFile} does not say: read
 * from the central directory (ZIP64 included, as {@code numpy.savez} writes large archives) and the
 * entry's local header. The archive has been opened by {@code ZipFile} first, which checked its structure;
 * what is checked here is only what locating needs.
 */
final class ZipOffsets {
    private static final int END = 0x06054b50;
    private static final int END_BYTES = 22;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int CENTRAL_BYTES = 46;
    private static final int LOCAL = 0x04034b50;
    private static final int LOCAL_BYTES = 30;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final long UNSET32 = 0xFFFFFFFFL;
    /** A central directory larger than this is refused rather than read: millions of entries. */
    private static final long MAX_DIRECTORY_BYTES = 1L << 28;

    private ZipOffsets() {
    }

    /**
     * The offset in the archive of the first byte of {@code entryName}'s data (compressed or stored).
     *
     * @throws NpyFormatException naming {@code source} when the archive's directory cannot be followed
     */
    static long dataOffset(FileChannel zip, String entryName, String source) throws IOException {
        ByteBuffer dir = centralDirectory(zip, source);
        byte[] wanted = entryName.getBytes(StandardCharsets.UTF_8);
        while (dir.remaining() >= CENTRAL_BYTES) {
            int at = dir.position();
            if (dir.getInt(at) != CENTRAL) {
                throw malformed(source, "a central directory entry has a bad signature");
            }
            long compressed = u32(dir, at + 20);
            long size = u32(dir, at + 24);
            int nameLength = u16(dir, at + 28);
            int extraLength = u16(dir, at + 30);
            int commentLength = u16(dir, at + 32);
            long local = u32(dir, at + 42);
            int next = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
            if (next > dir.limit()) {
                throw malformed(source, "the central directory is truncated");
            }
            if (nameEquals(dir, at + CENTRAL_BYTES, nameLength, wanted)) {
                if (local == UNSET32) {
                    local = zip64Offset(dir, at + CENTRAL_BYTES + nameLength, extraLength, size == UNSET32,
                            compressed == UNSET32, source);
                }
                return afterLocalHeader(zip, local, source);
            }
            dir.position(next);
        }
        throw malformed(source, "no central directory entry for " + entryName);
    }

    /** The central directory's bytes, found from the end record (and its ZIP64 form). */
    private static ByteBuffer centralDirectory(FileChannel zip, String source) throws IOException {
        long size = zip.size();
        int tail = (int) Math.min(size, END_BYTES + 0xFFFF);
        ByteBuffer end = read(zip, size - tail, tail, source);
        int at = -1;
        for (int i = tail - END_BYTES; i >= 0; i--) {
            if (end.getInt(i) == END) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw malformed(source, "no end of central directory record");
        }
        long dirBytes = u32(end, at + 12);
        long dirOffset = u32(end, at + 16);
        if ((dirBytes == UNSET32 || dirOffset == UNSET32) && at >= 20 && end.getInt(at - 20) == ZIP64_LOCATOR) {
            ByteBuffer zip64 = read(zip, end.getLong(at - 20 + 8), 56, source);
            if (zip64.getInt(0) != ZIP64_END) {
                throw malformed(source, "the ZIP64 end record has a bad signature");
            }
            dirBytes = zip64.getLong(40);
            dirOffset = zip64.getLong(48);
        }
        if (dirBytes < 0 || dirBytes > MAX_DIRECTORY_BYTES || dirOffset < 0 || dirOffset + dirBytes > size) {
            throw malformed(source, "the central directory (" + dirBytes + " bytes at " + dirOffset + ") is not in the file");
        }
        return read(zip, dirOffset, (int) dirBytes, source);
    }

    /** The local header offset from an entry's ZIP64 extra field, which lists only the fields set to 0xFFFFFFFF, in order. */
    private static long zip64Offset(ByteBuffer dir, int extra, int extraLength, boolean sizeUnset, boolean compressedUnset,
                                    String source) throws NpyFormatException {
        for (int at = extra; at + 4 <= extra + extraLength; ) {
            int id = u16(dir, at);
            int length = u16(dir, at + 2);
            if (at + 4 + length > extra + extraLength) {
                break; // a field running past the extra area: what follows is the comment or the next entry
            }
            if (id == ZIP64_EXTRA) {
                int field = at + 4 + (sizeUnset ? 8 : 0) + (compressedUnset ? 8 : 0);
                if (field + 8 > at + 4 + length) {
                    break;
                }
                return dir.getLong(field);
            }
            at += 4 + length;
        }
        throw malformed(source, "an entry's ZIP64 offset is missing");
    }

    private static long afterLocalHeader(FileChannel zip, long local, String source) throws IOException {
        ByteBuffer header = read(zip, local, LOCAL_BYTES, source);
        if (header.getInt(0) != LOCAL) {
            throw malformed(source, "a local header has a bad signature");
        }
        return local + LOCAL_BYTES + u16(header, 26) + u16(header, 28);
    }

    private static boolean nameEquals(ByteBuffer dir, int at, int length, byte[] wanted) {
        if (length != wanted.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (dir.get(at + i) != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer read(FileChannel zip, long position, int length, String source) throws IOException {
        if (position < 0 || position + length > zip.size()) {
            throw malformed(source, length + " bytes at " + position + " are past the end of the file");
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (zip.read(b, position + b.position()) < 0) {
                throw new EOFException(source);
            }
        }
        return b.flip();
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & UNSET32;
    }

    private static NpyFormatException malformed(String source, String what) {
        return new NpyFormatException(source + ": not a .npz archive clpool can map (" + what + ")");
    }
}
