package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ZipOffsets}: where an entry's data starts, checked against where its bytes really are, in archives
 * written by {@code java.util.zip} and in ones written here field by field (ZIP64 end records and extra
 * fields, comments, entries with names of one length), and the refusals of what cannot be followed.
 */
class ZipOffsetsTest {
    private static final String SOURCE = "archive.npz";
    private static final long UNSET32 = 0xFFFFFFFFL;
    /** The extended timestamp extra field: one a ZIP64 field may come after. */
    private static final int TIMESTAMP = 0x5455;

    @TempDir
    Path dir;

    @Test
    void eachEntryOfAJavaUtilZipArchiveIsFoundWhereItsDataIs() throws IOException, DataFormatException {
        // Names of one length, differing in one byte; each entry with an extra field and a comment to step over.
        String[] names = {"a0.npy", "a1.npy", "a2.npy", "b.npy"};
        byte[] archive = javaUtilZip(names);
        for (int i = 0; i < names.length; i++) {
            byte[] data = data(names[i]);
            int at = (int) offset(archive, names[i]);
            if (i % 2 == 0) {
                assertArrayEquals(data, Arrays.copyOfRange(archive, at, at + data.length), names[i]);
            } else {
                Inflater inflater = new Inflater(true);
                inflater.setInput(archive, at, archive.length - at);
                byte[] inflated = new byte[data.length];
                assertEquals(data.length, inflater.inflate(inflated), names[i]);
                assertArrayEquals(data, inflated, names[i]);
                inflater.end();
            }
        }
    }

    @Test
    void aChannelThatReadsAFewBytesAtATimeOrNoneIsReadThrough() throws IOException {
        // FileChannel.read may return fewer bytes than asked, or none: each read goes on from where the last stopped.
        String[] names = {"a0.npy", "a1.npy", "a2.npy", "b.npy"};
        byte[] archive = javaUtilZip(names);
        Path file = write(archive);
        for (String name : names) {
            try (FileChannel in = new Stuttering(FileChannel.open(file, StandardOpenOption.READ))) {
                assertEquals(offset(archive, name), ZipOffsets.dataOffset(in, name, SOURCE), name);
            }
        }
    }

    @Test
    void anEmptyArchiveHasNoEntryToFind() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ZipOutputStream(bytes).close();
        assertEquals(22, bytes.size(), "only the end record, at offset 0, for an empty directory at offset 0");
        assertRefused("no central directory entry for x.npy", bytes.toByteArray(), "x.npy");
    }

    @ParameterizedTest
    @CsvSource({"true, true", "true, false", "false, true"})
    void aZip64EndRecordGivesTheDirectoryTheEndRecordLeavesUnset(boolean bytesUnset, boolean offsetUnset) throws IOException {
        Zip z = new Zip();
        int pad = z.local("pad.npy", data("pad.npy"));
        int x = z.local("x.npy", data("x.npy"));
        int dirOffset = z.position();
        z.central("pad.npy", data("pad.npy").length, pad, new byte[0], "");
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        int dirBytes = z.position() - dirOffset;
        z.zip64EndAndLocator(2, dirBytes, dirOffset);
        z.end(2, bytesUnset ? UNSET32 : dirBytes, offsetUnset ? UNSET32 : dirOffset, "");
        assertOffset(z.toArray(), "x.npy");
    }

    @Test
    void aZip64LocatorAtTheStartOfTheSearchedTailIsFound() throws IOException {
        // The end record is looked for in the last 22 + 65535 bytes; with a 65515-byte comment the locator
        // before it is the first 20 of them.
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        int dirOffset = z.position();
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        int dirBytes = z.position() - dirOffset;
        z.zip64EndAndLocator(1, dirBytes, dirOffset);
        z.end(1, UNSET32, UNSET32, "c".repeat(65515));
        byte[] archive = z.toArray();
        assertEquals(22 + 65535, archive.length - z.locatorAt);
        assertOffset(archive, "x.npy");
    }

    @Test
    void theEndRecordsOwnFieldsAreUsedWhenSet() throws IOException {
        // A ZIP64 record is read only for what the end record leaves unset: this locator points at a local
        // header, which would be refused as a ZIP64 end record.
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        int dirOffset = z.position();
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        int dirBytes = z.position() - dirOffset;
        z.locator(x);
        z.end(1, dirBytes, dirOffset, "");
        assertOffset(z.toArray(), "x.npy");
    }

    @Test
    void aZip64EndRecordWithABadSignatureIsRefused() throws IOException {
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        int dirOffset = z.position();
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        z.locator(x);
        z.end(1, UNSET32, dirOffset, "");
        assertRefused("the ZIP64 end record has a bad signature", z.toArray(), "x.npy");
    }

    @Test
    void unsetFieldsWithoutAZip64LocatorPointOutOfTheFile() throws IOException {
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        z.end(1, UNSET32, UNSET32, "");
        assertRefused("the central directory (4294967295 bytes at 4294967295) is not in the file", z.toArray(), "x.npy");
    }

    @ParameterizedTest
    @CsvSource({
        "false, false, false",
        "true, false, false",
        "false, true, false",
        "true, true, false",
        "true, true, true",
        "false, false, true",
    })
    void aZip64ExtraFieldGivesTheLocalHeaderOffset(boolean sizeUnset, boolean compressedUnset, boolean afterAnotherField)
            throws IOException {
        // The field lists, in this order, only the sizes set to 0xFFFFFFFF in the entry, then the offset.
        Zip z = new Zip();
        int pad = z.local("pad.npy", data("pad.npy"));
        int x = z.local("x.npy", data("x.npy"));
        long size = data("x.npy").length;
        Zip extra = new Zip();
        if (afterAnotherField) {
            extra.u16(TIMESTAMP).u16(5).put(new byte[] {1, 0, 0, 0, 0});
        }
        extra.u16(0x0001).u16(8 * ((sizeUnset ? 1 : 0) + (compressedUnset ? 1 : 0) + 1));
        if (sizeUnset) {
            extra.u64(size);
        }
        if (compressedUnset) {
            extra.u64(size);
        }
        extra.u64(x);
        int dirOffset = z.position();
        z.central("pad.npy", data("pad.npy").length, pad, new byte[0], "pad");
        z.central("x.npy", sizeUnset ? UNSET32 : size, compressedUnset ? UNSET32 : size, UNSET32, extra.toArray(), "x");
        z.end(2, z.position() - dirOffset, dirOffset, "");
        assertOffset(z.toArray(), "x.npy");
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void aZip64OffsetMissingFromTheExtraFieldsIsRefused(boolean tooShortAZip64Field) throws IOException {
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        Zip extra = new Zip().u16(TIMESTAMP).u16(5).put(new byte[] {1, 0, 0, 0, 0});
        if (tooShortAZip64Field) {
            // The size is unset too, so the offset is the second field, which is not there.
            extra.u16(0x0001).u16(8).u64(data("x.npy").length);
        }
        int dirOffset = z.position();
        // The entry is the directory's last: nothing after its extra fields that could pass for one.
        z.central("x.npy", tooShortAZip64Field ? UNSET32 : data("x.npy").length, data("x.npy").length, UNSET32,
                extra.toArray(), "");
        z.end(1, z.position() - dirOffset, dirOffset, "");
        assertRefused("an entry's ZIP64 offset is missing", z.toArray(), "x.npy");
    }

    /** A ZIP64 field that declares more bytes than the extra area holds: its offset would be read from the comment. */
    @Test
    void aZip64FieldRunningPastTheExtraAreaIsRefused() throws IOException {
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        byte[] extra = new Zip().u16(0x0001).u16(8).toArray();
        byte[] offsetInComment = new Zip().u64(x).toArray();
        int dirOffset = z.position();
        z.central("x.npy", data("x.npy").length, UNSET32, extra, new String(offsetInComment, StandardCharsets.ISO_8859_1));
        z.end(1, z.position() - dirOffset, dirOffset, "");
        assertRefused("an entry's ZIP64 offset is missing", z.toArray(), "x.npy");
    }

    @Test
    void aCentralEntryWithABadSignatureIsRefusedWhenTheSearchReachesIt() throws IOException {
        Zip z = new Zip();
        int a = z.local("a.npy", data("a.npy"));
        int b = z.local("b.npy", data("b.npy"));
        int dirOffset = z.position();
        z.central("a.npy", data("a.npy").length, a, new byte[0], "");
        int second = z.position();
        z.central("b.npy", data("b.npy").length, b, new byte[0], "");
        z.end(2, z.position() - dirOffset, dirOffset, "");
        byte[] archive = z.toArray();
        archive[second] = 'Q';
        assertRefused("a central directory entry has a bad signature", archive, "b.npy");
        assertEquals(where(archive, data("a.npy")), offset(archive, "a.npy"), "an entry before it is found");
    }

    @Test
    void aDirectoryThatEndsPartwayThroughAnEntryIsTruncated() throws IOException {
        // The end record's size takes in the second entry's fixed 46 bytes and not its name.
        Zip z = new Zip();
        int a = z.local("a.npy", data("a.npy"));
        int b = z.local("b.npy", data("b.npy"));
        int dirOffset = z.position();
        z.central("a.npy", data("a.npy").length, a, new byte[0], "");
        int second = z.position();
        z.central("b.npy", data("b.npy").length, b, new byte[0], "");
        z.end(2, second + 46 - dirOffset, dirOffset, "");
        assertRefused("the central directory is truncated", z.toArray(), "b.npy");
    }

    @Test
    void aDirectoryThatRunsPastTheEndOfTheFileIsNotInIt() throws IOException {
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        int dirOffset = z.position();
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        int dirBytes = z.position() - dirOffset;
        z.end(1, dirBytes + 1000, dirOffset, "");
        assertRefused("the central directory (" + (dirBytes + 1000) + " bytes at " + dirOffset + ") is not in the file",
                z.toArray(), "x.npy");
    }

    @Test
    void aDirectoryMayRunToTheLastByteOfTheFile() throws IOException {
        // The bound is inclusive: here the declared directory takes in the end record, never reached as an entry.
        Zip z = new Zip();
        int x = z.local("x.npy", data("x.npy"));
        int dirOffset = z.position();
        z.central("x.npy", data("x.npy").length, x, new byte[0], "");
        z.end(1, z.position() + 22 - dirOffset, dirOffset, "");
        assertOffset(z.toArray(), "x.npy");
    }

    @Test
    void anEntryThatIsNotInTheDirectoryIsRefusedNamingIt() throws IOException {
        assertRefused("no central directory entry for a3.npy", javaUtilZip("a0.npy", "a1.npy", "a2.npy"), "a3.npy");
        assertRefused("no central directory entry for a0.np", javaUtilZip("a0.npy"), "a0.np");
    }

    @Test
    void aLocalHeaderMustBeOneAndBeInTheFile() throws IOException {
        for (boolean pastTheEnd : new boolean[] {false, true}) {
            Zip z = new Zip();
            int x = z.local("x.npy", data("x.npy"));
            int dirOffset = z.position();
            // Past the end: the last 10 bytes, the end record's, start no whole local header.
            long local = pastTheEnd ? dirOffset + 46 + 5 + 22 - 10 : x + 30 + 5;
            z.central("x.npy", data("x.npy").length, local, new byte[0], "");
            z.end(1, z.position() - dirOffset, dirOffset, "");
            assertRefused(pastTheEnd ? "30 bytes at " + local + " are past the end of the file" : "a local header has a bad signature",
                    z.toArray(), "x.npy");
        }
    }

    /** Bytes that occur once in an archive, as an entry's data. */
    private static byte[] data(String name) {
        return ("<the data of " + name + ">").getBytes(StandardCharsets.US_ASCII);
    }

    /** An archive of {@code names}, stored and deflated by turns, each entry with an extra field and a comment, and an archive comment. */
    private static byte[] javaUtilZip(String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setComment("the archive's comment");
            for (int i = 0; i < names.length; i++) {
                byte[] data = data(names[i]);
                ZipEntry e = new ZipEntry(names[i]);
                if (i % 2 == 0) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    e.setCompressedSize(data.length);
                    e.setCrc(crc.getValue());
                }
                e.setExtra(new Zip().u16(0xCAFE).u16(i + 1).put(new byte[i + 1]).toArray());
                e.setComment("entry " + i);
                zip.putNextEntry(e);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private void assertOffset(byte[] archive, String name) throws IOException {
        assertEquals(where(archive, data(name)), offset(archive, name), name);
    }

    private void assertRefused(String what, byte[] archive, String name) throws IOException {
        Path file = write(archive);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> ZipOffsets.dataOffset(in, name, SOURCE));
            assertEquals(SOURCE + ": not a .npz archive clpool can map (" + what + ")", e.getMessage());
        }
    }

    private long offset(byte[] archive, String name) throws IOException {
        try (FileChannel in = FileChannel.open(write(archive), StandardOpenOption.READ)) {
            return ZipOffsets.dataOffset(in, name, SOURCE);
        }
    }

    private Path write(byte[] archive) throws IOException {
        return Files.write(Files.createTempFile(dir, "archive", ".npz"), archive);
    }

    /** Where {@code data}, which occurs once, is in {@code archive}. */
    private static long where(byte[] archive, byte[] data) {
        for (int i = 0; i + data.length <= archive.length; i++) {
            if (Arrays.equals(archive, i, i + data.length, data, 0, data.length)) {
                return i;
            }
        }
        throw new AssertionError("not in the archive");
    }

    /** An archive written field by field, little-endian: every field, right or wrong, is the test's. */
    private static final class Zip {
        private final ByteBuffer b = ByteBuffer.allocate(1 << 17).order(ByteOrder.LITTLE_ENDIAN);
        int locatorAt = -1;

        Zip u16(int v) {
            b.putShort((short) v);
            return this;
        }

        Zip u32(long v) {
            b.putInt((int) v);
            return this;
        }

        Zip u64(long v) {
            b.putLong(v);
            return this;
        }

        Zip put(byte[] v) {
            b.put(v);
            return this;
        }

        int position() {
            return b.position();
        }

        byte[] toArray() {
            return Arrays.copyOf(b.array(), b.position());
        }

        /** A stored entry's local header, with a 4-byte extra field, and its data; returns the header's offset. */
        int local(String name, byte[] data) {
            int at = position();
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            u32(0x04034b50).u16(20).u16(0).u16(0).u32(0).u32(0).u32(data.length).u32(data.length).u16(n.length).u16(4).put(n);
            u16(0xCAFE).u16(0).put(data);
            return at;
        }

        void central(String name, long size, long local, byte[] extra, String comment) {
            central(name, size, size, local, extra, comment);
        }

        /** A central directory entry; a size or offset of 0xFFFFFFFF is to be in {@code extra}'s ZIP64 field. */
        void central(String name, long size, long compressed, long local, byte[] extra, String comment) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] c = comment.getBytes(StandardCharsets.UTF_8);
            // Signature, versions made by and needed, flags, method, time and date, CRC (not checked).
            u32(0x02014b50).u16(20).u16(20).u16(0).u16(0).u32(0).u32(0);
            u32(compressed).u32(size).u16(n.length).u16(extra.length).u16(c.length);
            // Disk, internal and external attributes, the local header's offset.
            u16(0).u16(0).u32(0).u32(local).put(n).put(extra).put(c);
        }

        void zip64EndAndLocator(int entries, long dirBytes, long dirOffset) {
            int at = position();
            u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(entries).u64(entries).u64(dirBytes).u64(dirOffset);
            locator(at);
        }

        void locator(long zip64End) {
            locatorAt = position();
            u32(0x07064b50).u32(0).u64(zip64End).u32(1);
        }

        void end(int entries, long dirBytes, long dirOffset, String comment) {
            byte[] c = comment.getBytes(StandardCharsets.UTF_8);
            u32(0x06054b50).u16(0).u16(0).u16(entries).u16(entries).u32(dirBytes).u32(dirOffset).u16(c.length).put(c);
        }
    }

    /** A file channel whose positional reads return nothing, then at most 3 bytes, by turns. */
    private static final class Stuttering extends FileChannel {
        private final FileChannel in;
        private boolean nothing;

        Stuttering(FileChannel in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            nothing = !nothing;
            if (nothing) {
                return 0;
            }
            ByteBuffer few = dst.slice().limit(Math.min(3, dst.remaining()));
            int n = in.read(few, position);
            dst.position(dst.position() + Math.max(n, 0));
            return n;
        }

        @Override
        public long size() throws IOException {
            return in.size();
        }

        @Override
        protected void implCloseChannel() throws IOException {
            in.close();
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileChannel position(long newPosition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void force(boolean metaData) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }
    }
}
