package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of the formats: headers longer than a byte can count and as long as clpool reads, element
 * counts at the array limit, the shortest headers, every 16-bit integer dtype's bfloat16 hint, Python 2
 * shapes, and archives with other entries, empty entries and long key lists.
 */
class NpyLimitsTest {
    @TempDir
    Path dir;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** A version 1.0 or 2.0 image whose header text is exactly {@code textLength} bytes: the dict, spaces, a newline. */
    private static byte[] image(int major, String dict, int textLength, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + textLength + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) textLength);
        } else {
            b.putInt(textLength);
        }
        b.put((dict + " ".repeat(textLength - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    private static String dict(String descr, String shape) {
        return NpyTest.dict(descr, "False", shape);
    }

    @Test
    void headersLongerThan255BytesAreReadAndWritten() throws IOException {
        String shape = "(" + "1, ".repeat(79) + "2)"; // rank 80: a header of more than 256 bytes
        byte[] file = image(1, dict("<f4", shape), 320, NpyTest.floatsBytes(ByteOrder.LITTLE_ENDIAN, 3f, 4f));
        Tensor t = Npy.read(file, "long");
        assertEquals(80, t.shape().rank());
        assertArrayEquals(new float[] {3f, 4f}, t.floats());
        byte[] written = Npy.toBytes(t);
        int length = (written[8] & 0xff) | (written[9] & 0xff) << 8;
        assertTrue(length > 255, "header text of " + length + " bytes");
        assertEquals(written.length, 10 + length + 8, "the length field counts the whole header text");
        assertArrayEquals(new float[] {3f, 4f}, Npy.read(written, "written").floats());
    }

    @Test
    void aHeaderAsLongAsClpoolReadsIsReadAndOneByteMoreIsRefused() throws IOException {
        String d = dict("<f4", "(1,)");
        byte[] data = NpyTest.floatsBytes(ByteOrder.LITTLE_ENDIAN, 5f);
        byte[] longest = image(2, d, NpyHeader.MAX_LENGTH - 12, data);
        assertArrayEquals(new float[] {5f}, Npy.read(longest, "longest").floats());
        NpyFormatException e = assertThrows(NpyFormatException.class,
                () -> Npy.read(image(2, d, NpyHeader.MAX_LENGTH - 11, data), "longer"));
        assertEquals("longer: malformed .npy header: it declares " + (NpyHeader.MAX_LENGTH + 1) + " bytes, more than the "
                + NpyHeader.MAX_LENGTH + " clpool reads", e.getMessage());
    }

    /** A stream's length is unknown: up to the array limit it is read as it comes, one element more is refused at once. */
    @Test
    void streamsUpToTheArrayLimitAreReadAsTheyCome() {
        long most = Tensor.MAX_ELEMENTS;
        NpyFormatException e = assertThrows(NpyFormatException.class,
                () -> Npy.read(new ByteArrayInputStream(NpyTest.npy(1, dict("<f2", "(" + most + ",)"), new byte[0])), "most"));
        assertTrue(e.getMessage().startsWith("most: truncated: shape [" + most + "]"), e.getMessage());
        e = assertThrows(NpyFormatException.class,
                () -> Npy.read(new ByteArrayInputStream(NpyTest.npy(1, dict("<f2", "(" + (most + 1) + ",)"), new byte[0])), "more"));
        assertTrue(e.getMessage().contains("more than a Java array holds"), e.getMessage());
    }

    /** Header texts of zero and two bytes fit their prefix: they are parsed, and refused for what they say. */
    @Test
    void theShortestHeadersAreParsed() {
        byte[] empty = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(empty, "empty"));
        assertEquals("empty: malformed .npy header: ", e.getMessage());
        byte[] braces = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 2, 0, '{', '}'};
        e = assertThrows(NpyFormatException.class, () -> Npy.read(braces, "braces"));
        assertEquals("braces: malformed .npy header: {}", e.getMessage());
    }

    @Test
    void everySixteenBitIntegerDtypeSuggestsBFloat16() {
        for (String descr : new String[] {"<u2", "<i2", "|V2"}) {
            NpyFormatException e = assertThrows(NpyFormatException.class,
                    () -> Npy.read(NpyTest.npy(1, dict(descr, "(1,)"), new byte[2]), descr));
            assertTrue(e.getMessage().contains("as bfloat16: --dtype bfloat16"), e.getMessage());
        }
        NpyFormatException e = assertThrows(NpyFormatException.class,
                () -> Npy.read(NpyTest.npy(1, dict("<i4", "(1,)"), new byte[4]), "i4"));
        assertFalse(e.getMessage().contains("as bfloat16"), e.getMessage());
    }

    @Test
    void pythonTwoLongsInShapes() throws IOException {
        Tensor t = Npy.read(NpyTest.npy(1, dict("<f4", "(1L, 2L)"), NpyTest.floatsBytes(ByteOrder.LITTLE_ENDIAN, 1f, 2f)), "py2");
        assertEquals(Shape.of(1, 2), t.shape());
    }

    private Path archive(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        Path p = Files.createTempFile(dir, "a", ".npz");
        Files.write(p, bytes.toByteArray());
        return p;
    }

    @Test
    void archivesListOnlyTheirArraysAndRefuseEmptyEntries() throws IOException {
        byte[] one = NpyTest.npy(1, dict("<f4", "(1,)"), new byte[4]);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("readme.txt", new byte[] {'h', 'i'});
        entries.put("x.npy", one);
        entries.put("empty.npy", new byte[0]);
        Path p = archive(entries);
        assertEquals(List.of("x", "empty"), Npz.keys(p));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p, "empty"));
        assertEquals(p + ":empty: not a .npy file (only 0 bytes)", e.getMessage());
    }

    @Test
    void aMissingKeyListsUpToTwentyKeys() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] one = NpyTest.npy(1, dict("<f4", "(1,)"), new byte[4]);
        for (int k = 0; k < 20; k++) {
            entries.put("k" + k + ".npy", one);
        }
        Path twenty = archive(entries);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(twenty, "nope"));
        assertTrue(e.getMessage().endsWith("it has k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, k16, k17, k18, k19"),
                e.getMessage());
        entries.put("k20.npy", one);
        Path more = archive(entries);
        e = assertThrows(NpyFormatException.class, () -> Npz.read(more, "nope"));
        assertTrue(e.getMessage().endsWith("k18, k19, ..."), e.getMessage());
    }
}
