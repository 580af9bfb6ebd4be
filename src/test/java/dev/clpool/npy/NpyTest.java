package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clpool.io.AtomicFiles;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Allocations;
import dev.clpool.testing.GoldenCases;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code .npy} / {@code .npz} reading and writing: round trips, NumPy's own files (the golden archive),
 * files crafted byte by byte (other versions, byte orders, every kind of damage), and atomic writes.
 * Every refusal is an {@link NpyFormatException} naming the file and the problem, raised before
 * anything input-sized is allocated.
 */
class NpyTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- crafting files

    /** A {@code .npy} image: magic, version, little-endian header length, the header dict padded to 64, data. */
    static byte[] npy(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int unpadded = prefix + dict.length() + 1;
        String text = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    static String dict(String descr, String fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    static byte[] floatsBytes(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static NpyFormatException refused(Path p, String... fragments) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains(p.toString()), "the message names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "the message must say '" + f + "': " + e.getMessage());
        }
        return e;
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void float32RoundTripKeepsEveryBit() throws IOException {
        float[] v = {0f, -0f, 1f, -1.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc01234),
            Float.intBitsToFloat(0xffc00001), 3.1415927f, 1e-40f, 16777217f, 42f, -7f, 0.1f, 1e30f, -1e-30f, 2f, 3f, 4f};
        Path p = dir.resolve("f.npy");
        Npy.write(p, Tensor.of(v, 2, 3, 4));
        Tensor back = Npy.read(p);
        assertEquals(DType.FLOAT32, back.dtype());
        assertEquals(Shape.of(2, 3, 4), back.shape());
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back.floats()[i]), "element " + i);
        }
    }

    @Test
    void int64RoundTrip() throws IOException {
        long[] v = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 40};
        Path p = dir.resolve("i.npy");
        Npy.write(p, Tensor.ofInt64(v, Shape.of(6)));
        Tensor back = Npy.read(p);
        assertEquals(DType.INT64, back.dtype());
        assertEquals(Shape.of(6), back.shape());
        assertArrayEquals(v, back.int64s());
    }

    @Test
    void roundTripsOfOtherRanksAndOfArraysLargerThanOneChunk() throws IOException {
        // 0-d, empty, and arrays past the 256 KiB copy chunk (300000 floats, 200000 longs).
        Path p = dir.resolve("x.npy");
        Npy.write(p, Tensor.of(new float[] {2.5f}));
        assertEquals(Shape.of(), Npy.read(p).shape());
        assertEquals(2.5f, Npy.read(p).floats()[0]);

        Npy.write(p, Tensor.of(new float[0], 0, 3));
        assertEquals(Shape.of(0, 3), Npy.read(p).shape());

        float[] big = new float[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.25f - 7;
        }
        Npy.write(p, Tensor.of(big, 3, 100_000));
        assertArrayEquals(big, Npy.read(p).floats());

        long[] longs = new long[200_000];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = (long) i * i * 31 - i;
        }
        Npy.write(p, Tensor.ofInt64(longs, Shape.of(200_000)));
        assertArrayEquals(longs, Npy.read(p).int64s());
    }

    @Test
    void writtenFilesHaveNumPysLayout() throws IOException {
        Path p = dir.resolve("layout.npy");
        Npy.write(p, Tensor.of(new float[] {1f, -2f, 0.5f, 0f, 3f}, 5));
        byte[] b = Files.readAllBytes(p);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, java.util.Arrays.copyOf(b, 8), "magic, v1.0");
        int headerLength = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "the data starts on a 64-byte boundary, as NumPy aligns it");
        String header = new String(b, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + headerLength + 20, b.length);
        assertArrayEquals(floatsBytes(ByteOrder.LITTLE_ENDIAN, 1f, -2f, 0.5f, 0f, 3f),
                java.util.Arrays.copyOfRange(b, 10 + headerLength, b.length), "little-endian data");

        Npy.write(p, Tensor.ofInt64(new long[] {7}, Shape.of(1, 1)));
        String h = new String(Files.readAllBytes(p), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(h.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }"), h);
    }

    // ---------------------------------------------------------------- NumPy's own files

    @Test
    void everyArrayOfTheGoldenArchiveReadsWithTheManifestsShape() throws IOException {
        JsonObject cases = JsonParser.parseString(Files.readString(GoldenCases.MANIFEST, StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonObject("cases");
        List<String> keys = Npz.keys(GoldenCases.ARCHIVE);
        assertEquals(4 * cases.size(), keys.size(), "four arrays per case: " + keys);
        int read = 0;
        for (Map.Entry<String, JsonElement> e : cases.entrySet()) {
            JsonObject c = e.getValue().getAsJsonObject();
            Shape in = shape(c.getAsJsonArray("input_shape"));
            Shape out = shape(c.getAsJsonArray("output_shape"));
            for (String suffix : List.of("x", "avg", "max", "idx")) {
                String key = e.getKey() + "__" + suffix;
                assertTrue(keys.contains(key), key);
                Tensor t = Npz.read(GoldenCases.ARCHIVE, key);
                assertEquals(suffix.equals("x") ? in : out, t.shape(), key);
                assertEquals(suffix.equals("idx") ? DType.INT64 : DType.FLOAT32, t.dtype(), key);
                if (suffix.equals("idx")) {
                    long plane = in.dim(-1) * in.dim(-2);
                    for (long i : t.int64s()) {
                        assertTrue(i >= 0 && i < plane, key + ": index " + i + " outside the plane");
                    }
                }
                read++;
            }
        }
        assertEquals(keys.size(), read);
        // ".npy" may be given or not.
        assertEquals(Npz.read(GoldenCases.ARCHIVE, keys.get(0)).shape(), Npz.read(GoldenCases.ARCHIVE, keys.get(0) + ".npy").shape());
    }

    static Shape shape(JsonArray a) {
        long[] d = new long[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsLong();
        }
        return Shape.of(d);
    }

    // ---------------------------------------------------------------- files NumPy could write, crafted

    @Test
    void bigEndianAndOtherHeaderVersionsRead() throws IOException {
        Tensor be = Npy.read(file("be.npy", npy(1, dict(">f4", "False", "(3,)"), floatsBytes(ByteOrder.BIG_ENDIAN, 1f, -2f, 0.5f))));
        assertArrayEquals(new float[] {1f, -2f, 0.5f}, be.floats());
        for (int major : new int[] {2, 3}) {
            Tensor t = Npy.read(file("v" + major + ".npy",
                    npy(major, dict("<f4", "False", "(1, 2)"), floatsBytes(ByteOrder.LITTLE_ENDIAN, 4f, 5f))));
            assertEquals(Shape.of(1, 2), t.shape());
            assertArrayEquals(new float[] {4f, 5f}, t.floats());
        }
        ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(-3).putLong(1L << 50);
        assertArrayEquals(new long[] {-3, 1L << 50}, Npy.read(file("bei.npy", npy(1, dict(">i8", "False", "(2,)"), longs.array()))).int64s());
    }

    // ---------------------------------------------------------------- bad files

    @Test
    void truncatedFiles() throws IOException {
        byte[] good = npy(1, dict("<f4", "False", "(10,)"), new byte[40]);
        refused(file("data.npy", java.util.Arrays.copyOf(good, good.length - 4)), "truncated", "needs 40 bytes", "has 36");
        refused(file("header.npy", java.util.Arrays.copyOf(good, 40)), "truncated", "header");
        refused(file("short.npy", java.util.Arrays.copyOf(good, 8)), "not a .npy file", "8 bytes");
        refused(file("empty.npy", new byte[0]), "not a .npy file", "0 bytes");
        refused(file("trailing.npy", java.util.Arrays.copyOf(good, good.length + 3)), "trailing data");
    }

    @Test
    void wrongMagicAndVersions() throws IOException {
        byte[] good = npy(1, dict("<f4", "False", "(1,)"), new byte[4]);
        byte[] bad = good.clone();
        bad[1] = 'X';
        refused(file("magic.npy", bad), "bad magic");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        refused(file("png.npy", png), "not a .npy file");
        byte[] v4 = good.clone();
        v4[6] = 4;
        refused(file("v4.npy", v4), "version 4.0");
    }

    @Test
    void headerLengthShorterThanTheFixedPrefixIsAFormatError() throws IOException {
        // A v1 header whose length field is 0 or 1 (the dict missing), in a file of at least 12 bytes:
        // must be reported as a damaged file, not as an unchecked exception from array copying.
        for (int len : new int[] {0, 1}) {
            byte[] b = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) len, 0, '{', '}', ' ', '\n'};
            refused(file("len" + len + ".npy", b));
        }
    }

    @Test
    void fortranOrderIsRefused() throws IOException {
        refused(file("f.npy", npy(1, dict("<f4", "True", "(2, 2)"), new byte[16])), "Fortran");
    }

    @ParameterizedTest
    @CsvSource({"<u2, uint16", "<i4, int32", "|b1, bool", "<i2, int16", "|u1, uint8", "<c8, unknown", "<U3, unknown"})
    void unsupportedDtypesAreNamed(String descr, String name) throws IOException {
        refused(file("d.npy", npy(1, dict(descr, "False", "(2,)"), new byte[16])), "'" + descr + "'", name, "float32", "int64");
    }

    @Test
    void malformedHeaders() throws IOException {
        refused(file("noshape.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[0])), "malformed");
        refused(file("badshape.npy", npy(1, dict("<f4", "False", "(3, x)"), new byte[12])), "bad shape");
        refused(file("negshape.npy", npy(1, dict("<f4", "False", "(-3,)"), new byte[12])), "bad shape");
    }

    @Test
    void hugeDeclaredShapesFailFastWithoutAllocating() throws IOException {
        // ~128-byte files that claim 4e18 bytes, or more than 2^64: refused from the header alone.
        Path huge = file("huge.npy", npy(1, dict("<f4", "False", "(1000000000, 1000000000)"), new byte[0]));
        assertTrue(Files.size(huge) < 200);
        Allocations.Measured m = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> Allocations.measure(() -> Npy.read(huge)));
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().contains("[1000000000, 1000000000]")
                && m.thrown().getMessage().contains("4000000000000000000"), m.thrown().getMessage());
        assertTrue(m.bytes() < 1 << 20, "refusing allocated " + m.bytes() + " bytes");

        refused(file("bytes.npy", npy(1, dict("<f4", "False", "(4611686018427387904,)"), new byte[0])), "more bytes");
        refused(file("count.npy", npy(1, dict("<i8", "False", "(10000000000, 10000000000)"), new byte[0])), "64-bit");
    }

    @Test
    void moreElementsThanAJavaArrayHoldsIsRefusedBeforeReading() throws IOException {
        // An image that really holds 2^31 floats (8 GiB): declared through the stream reader's size, so the
        // test needs no 8 GiB file. The reader must refuse from the header, never touch the data.
        byte[] header = npy(1, dict("<f4", "False", "(2147483648,)"), new byte[0]);
        long size = header.length + 4L * (1L << 31);
        Allocations.Measured m = Allocations.measure(() -> NpyDecoder.decode(new ByteArrayInputStream(header)::read, size, "big.npy", false));
        assertNotNull(m.thrown());
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().contains("2147483648") && m.thrown().getMessage().contains("Java array"),
                m.thrown().getMessage());
        assertTrue(m.bytes() < 1 << 20, "refusing allocated " + m.bytes() + " bytes");
    }

    @Test
    void aHeaderLongerThanAnyArraysIsRefusedBeforeItIsRead() throws IOException {
        // A version 2.0 header whose length field claims 4 GiB of header text, in a 12-byte file.
        byte[] b = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, -1, -1, -1, -1};
        Path p = file("long-header.npy", b);
        Allocations.Measured m = Allocations.measure(() -> Npy.read(p));
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().contains(p.toString()) && m.thrown().getMessage().contains("4294967307 bytes"),
                m.thrown().getMessage());
        assertTrue(m.bytes() < 1 << 20, "refusing allocated " + m.bytes() + " bytes");
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> Npy.read(dir.resolve("absent.npy")));
        assertThrows(NoSuchFileException.class, () -> Npz.read(dir.resolve("absent.npz"), "x"));
    }

    // ---------------------------------------------------------------- .npz

    Path npz(String name, boolean deflate, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                if (!deflate) {
                    // numpy.savez stores; savez_compressed deflates.
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file(name, bytes.toByteArray());
    }

    @Test
    void npzStoredAndDeflated() throws IOException {
        byte[] a = npy(1, dict("<f4", "False", "(2,)"), floatsBytes(ByteOrder.LITTLE_ENDIAN, 1f, 2f));
        byte[] b = npy(1, dict("<i8", "False", "(1,)"), new byte[8]);
        for (boolean deflate : new boolean[] {false, true}) {
            Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
            entries.put("a.npy", a);
            entries.put("b.npy", b);
            Path p = npz("ab" + deflate + ".npz", deflate, entries);
            assertEquals(List.of("a", "b"), Npz.keys(p));
            assertArrayEquals(new float[] {1f, 2f}, Npz.read(p, "a").floats());
            assertArrayEquals(new long[] {0}, Npz.read(p, "b.npy").int64s());
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p, "c"));
            assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("a, b") && e.getMessage().contains(p.toString()),
                    e.getMessage());
        }
    }

    @Test
    void missingKeyInTheGoldenArchiveListsItsKeys() {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(GoldenCases.ARCHIVE, "seed_avg_5x7__nope"));
        assertTrue(e.getMessage().contains("'seed_avg_5x7__nope'") && e.getMessage().contains("seed_avg_5x7__x"), e.getMessage());
        assertTrue(e.getMessage().endsWith(", ..."), "a long list is cut: " + e.getMessage());
    }

    @Test
    void damagedArchives() throws IOException {
        Path notZip = file("not.npz", "hello, not a zip file at all".getBytes(StandardCharsets.US_ASCII));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.keys(notZip));
        assertTrue(e.getMessage().contains("not a .npz archive"), e.getMessage());
        Path empty = npz("empty.npz", true, Map.of());
        e = assertThrows(NpyFormatException.class, () -> Npz.read(empty, "x"));
        assertTrue(e.getMessage().contains("none"), e.getMessage());
        Path badEntry = npz("bad.npz", true, Map.of("x.npy", npy(1, dict("<i4", "False", "(2,)"), new byte[8])));
        e = assertThrows(NpyFormatException.class, () -> Npz.read(badEntry, "x"));
        assertTrue(e.getMessage().contains(badEntry + ":x") && e.getMessage().contains("int32"), e.getMessage());
    }

    // ---------------------------------------------------------------- atomic writes

    List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aFailingWriteLeavesNoTempFileAndKeepsTheOldFile() throws IOException {
        Path target = dir.resolve("keep.npy");
        Npy.write(target, Tensor.of(new float[] {1, 2, 3}, 3));
        byte[] before = Files.readAllBytes(target);
        List<Path> listed = listing();
        List<Throwable> failures = List.of(new IOException("disk full"), new UncheckedIOException(new IOException("io")),
                new IllegalStateException("bug"), new OutOfMemoryError("oom"));
        for (Throwable failure : failures) {
            Throwable thrown = assertThrows(Throwable.class, () -> AtomicFiles.write(target, channel -> {
                channel.write(ByteBuffer.wrap(new byte[1000]));
                sneakyThrow(failure);
            }));
            assertSame(failure, thrown, "the failure is passed on unchanged");
            assertArrayEquals(before, Files.readAllBytes(target), "the old file is intact after " + failure);
            assertEquals(listed, listing(), "no temporary file is left after " + failure);
        }
        assertArrayEquals(new float[] {1, 2, 3}, Npy.read(target).floats());
    }

    @Test
    void aWrittenFileHasThePermissionsOfAnyNewFileOfTheUser() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path written = dir.resolve("written.npy");
        Npy.write(written, Tensor.of(new float[] {1}, 1));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written),
                "as the umask says, not owner-only as a temporary file");
    }

    @Test
    void aFailingFirstWriteCreatesNothing() throws IOException {
        Path target = dir.resolve("new.npy");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, channel -> {
            throw new IOException("nope");
        }));
        assertEquals(List.of(), listing());
        assertThrows(IOException.class, () -> Npy.write(dir.resolve("no/such/dir/x.npy"), Tensor.of(new float[1], 1)));
        assertEquals(List.of(), listing());
    }

    @Test
    void aFailingRenameLeavesNoTempFile() throws IOException {
        // The content is written, but the rename over the target fails (a non-empty directory is in the way).
        Path target = Files.createDirectory(dir.resolve("in-the-way"));
        Files.writeString(target.resolve("inside.txt"), "keep me");
        List<Path> listed = listing();
        assertThrows(IOException.class, () -> Npy.write(target, Tensor.of(new float[] {1, 2}, 2)));
        assertEquals(listed, listing(), "no temporary file is left");
        assertEquals("keep me", Files.readString(target.resolve("inside.txt")));
    }

    @Test
    void aSuccessfulWriteReplacesTheFileAndLeavesOnlyIt() throws IOException {
        Path target = dir.resolve("r.npy");
        Npy.write(target, Tensor.of(new float[] {1}, 1));
        Npy.write(target, Tensor.ofInt64(new long[] {5, 6}, Shape.of(2)));
        assertArrayEquals(new long[] {5, 6}, Npy.read(target).int64s());
        assertEquals(List.of(target), listing());
        // Relative paths work too (the temporary file goes beside the target).
        Path rel = Path.of("").toAbsolutePath().relativize(target);
        Npy.write(rel, Tensor.of(new float[] {9}, 1));
        assertArrayEquals(new float[] {9}, Npy.read(target).floats());
        assertEquals(List.of(target), listing());
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
