package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.GoldenCases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers read without the data ({@code Npy.header}, {@code Npz.member}), for readers that take the data a
 * run at a time: the checks and messages of the whole-file readers, and the data where the header says.
 * {@code test-data/numpy-savez.npz} was written by NumPy 2.4.6, {@code np.savez(path, x=x, big_endian=x.astype('>f4'),
 * half=x.astype('<f2'))} with {@code x = np.arange(120, dtype=np.float32).reshape(2, 3, 5, 4) * 0.5 - 7} and
 * {@code x[0, 1, 2, 3] = nan}: stored members whose local headers carry ZIP64 fields, as NumPy writes them.
 */
class NpzMemberTest {
    static final Path NUMPY_SAVEZ = Path.of("test-data", "numpy-savez.npz");
    /** This process's open file descriptors, as links to what they are open on (Linux). */
    private static final Path PROC_FD = Path.of("/proc/self/fd");

    @TempDir
    Path dir;

    @Test
    void aNpyHeaderIsCheckedAsReadingIsAndSaysWhereTheDataStarts() throws IOException {
        Path file = dir.resolve("x.npy");
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(1, 2, 3));
        Npy.write(file, x);
        NpyHeader h = Npy.header(file, false);
        assertEquals(DType.FLOAT32, h.dtype());
        assertEquals(Shape.of(1, 2, 3), h.shape());
        assertEquals(ByteOrder.LITTLE_ENDIAN, h.order());
        assertEquals(24, h.dataBytes());
        assertEquals(Files.size(file), h.headerBytes() + h.dataBytes());
        assertArrayEquals(Npy.encodeHeader(DType.FLOAT32, x.shape()), Arrays.copyOf(Files.readAllBytes(file), (int) h.headerBytes()));

        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) - 4));
        NpyFormatException byHeader = assertThrows(NpyFormatException.class, () -> Npy.header(file, false));
        NpyFormatException byRead = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertEquals(byRead.getMessage(), byHeader.getMessage());
    }

    @Test
    void numpysStoredMembersAreMappableAtTheirOffset() throws IOException {
        Tensor x = Npz.read(NUMPY_SAVEZ, "x");
        for (String key : new String[] {"x", "big_endian", "half"}) {
            try (NpzMember m = Npz.member(NUMPY_SAVEZ, key, false)) {
                assertTrue(m.isStored(), key);
                assertEquals(NUMPY_SAVEZ + ":" + key, m.name());
                NpyHeader h = m.header();
                assertEquals(Shape.of(2, 3, 5, 4), h.shape());
                ByteBuffer data = ByteBuffer.allocate((int) h.dataBytes()).order(h.order());
                try (FileChannel ch = FileChannel.open(NUMPY_SAVEZ, StandardOpenOption.READ)) {
                    ch.read(data, m.dataOffset());
                }
                data.flip();
                Tensor viaOffset = Tensor.of(data, h.dtype(), h.shape());
                Tensor expected = key.equals("half") ? x.to(DType.FLOAT16) : x;
                assertEquals(Arrays.toString(expected.to(DType.FLOAT32).floats()), Arrays.toString(viaOffset.toHeap().to(DType.FLOAT32).floats()), key);
                assertEquals(key.equals("big_endian") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, h.order());
            }
        }
    }

    @Test
    void deflatedMembersAreInflatedAsTheyAreRead() throws IOException {
        String key = "seed_avg_5x7__x";
        Tensor x = Npz.read(GoldenCases.ARCHIVE, key);
        try (NpzMember m = Npz.member(GoldenCases.ARCHIVE, key, false)) {
            assertFalse(m.isStored());
            assertThrows(IllegalStateException.class, m::dataOffset);
            assertEquals(x.shape(), m.header().shape());
            try (InputStream in = m.openData()) {
                ByteBuffer data = ByteBuffer.wrap(in.readAllBytes()).order(m.header().order());
                assertArrayEquals(x.floats(), Tensor.of(data, DType.FLOAT32, x.shape()).toHeap().floats());
            }
        }
    }

    @Test
    void aMissingKeyIsRefusedAsReadingRefusesIt() {
        NpyFormatException byMember = assertThrows(NpyFormatException.class, () -> Npz.member(NUMPY_SAVEZ, "y", false));
        NpyFormatException byRead = assertThrows(NpyFormatException.class, () -> Npz.read(NUMPY_SAVEZ, "y"));
        assertEquals(byRead.getMessage(), byMember.getMessage());
        assertTrue(byMember.getMessage().contains("no array 'y'") && byMember.getMessage().contains("x, big_endian, half"),
                byMember.getMessage());
    }

    @Test
    void aMembersDataReadsTheSameByteByByte() throws IOException {
        try (NpzMember m = Npz.member(NUMPY_SAVEZ, "big_endian", false)) {
            byte[] all;
            try (InputStream in = m.openData()) {
                all = in.readAllBytes();
            }
            assertEquals(m.header().dataBytes(), all.length);
            try (InputStream in = m.openData()) {
                for (int i = 0; i < all.length; i++) {
                    assertEquals(all[i] & 0xFF, in.read(), "byte " + i);
                }
                assertEquals(-1, in.read());
            }
        }
    }

    @Test
    void aDeflatedMemberWhoseHeaderCannotBeInflatedIsRefusedNamingIt() throws IOException {
        Path file = dir.resolve("corrupt.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(Npy.toBytes(Tensor.of(new float[] {1, 2, 3}, 3)));
        }
        long data;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            data = ZipOffsets.dataOffset(ch, "x.npy", file.toString());
        }
        // 0xFF starts a final block of the reserved type 3, which no inflater accepts.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF}), data);
        }
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.member(file, "x", false));
        assertTrue(e.getMessage().startsWith(file + ":x: corrupt compressed data ("), e.getMessage());
    }

    @Test
    void aMemberHoldsItsArchiveOpenUntilClosedAndARefusedOneDoesNot() throws IOException {
        assumeTrue(Files.isDirectory(PROC_FD), "counts open files in /proc/self/fd");
        // A copy of its own: no other test's archive shares the descriptor ZipFile opens for it.
        Path file = Files.copy(NUMPY_SAVEZ, dir.resolve("own.npz"));
        try (NpzMember m = Npz.member(file, "x", false)) {
            assertTrue(descriptorsOf(file) > 0, "the member holds the archive open");
        }
        assertEquals(0, descriptorsOf(file), "closing the member closes the archive");
        assertThrows(NpyFormatException.class, () -> Npz.member(file, "y", false));
        assertEquals(0, descriptorsOf(file), "a refused member leaves the archive closed");
    }

    /** How many of this process's open file descriptors are {@code file}. */
    private static int descriptorsOf(Path file) throws IOException {
        Path real = file.toRealPath();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC_FD)) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        n++;
                    }
                } catch (IOException e) {
                    // Closed since it was listed (the listing's own descriptor, among others).
                }
            }
        }
        return n;
    }
}
