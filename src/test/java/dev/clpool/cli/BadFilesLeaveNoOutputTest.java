package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.npy.NpyFormatException;
import dev.clpool.npy.Npz;
import dev.clpool.testing.Allocations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5.7: bad files (truncated header or data, wrong magic, an oversized declared shape, Fortran
 * order, a wrong dtype, an .npz without the key asked for, or with a truncated entry). Each declares
 * far more data than it holds (256 MiB and up), and for each: the library refuses it with an
 * {@link NpyFormatException} naming the file and the problem, quickly and allocating under 1 MiB (never
 * the declared size); and {@code clpool pool} exits 2 with one line on stderr and writes no output: no
 * values or indices file, no temporary file, and existing output files keep their bytes.
 */
class BadFilesLeaveNoOutputTest {
    /** float32 (64, 1024, 1024): 256 MiB declared. */
    static final String BIG = "(64, 1024, 1024)";

    @TempDir
    Path dir;

    /** A bad file: its name, its bytes, the .npz key to read (or null), and what the error must say. */
    record Bad(String name, byte[] bytes, String key, List<String> mustSay) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] header(String dict) {
        String text = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        return b.put(text.getBytes(StandardCharsets.ISO_8859_1)).array();
    }

    static byte[] npy(String descr, boolean fortran, String shape, int dataBytes) {
        byte[] h = header("{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }");
        return Arrays.copyOf(h, h.length + dataBytes);
    }

    static byte[] npz(String entry, byte[] content) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(content);
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Bad> badFiles() {
        byte[] good = npy("<f4", false, BIG, 4096);
        byte[] magic = good.clone();
        magic[1] = 'X';
        byte[] shortHeader = header("{'descr': '<f4', 'fortran_order': False, 'shape': " + BIG + ", }");
        shortHeader[8] = (byte) 0xe8; // the header claims 1,000 bytes; the file has ~140
        shortHeader[9] = 3;
        return Stream.of(
                new Bad("truncated data.npy", good, null, List.of("truncated", "needs 268435456 bytes", "has 4096")),
                new Bad("truncated header.npy", shortHeader, null, List.of("truncated", "header")),
                new Bad("wrong magic.npy", magic, null, List.of("not a .npy file", "bad magic")),
                new Bad("exabytes.npy", npy("<f4", false, "(1000000, 1000000, 1000000)", 64), null,
                        List.of("[1000000, 1000000, 1000000]", "4000000000000000000 bytes")),
                new Bad("beyond 64 bits.npy", npy("<f4", false, "(4611686018427387904, 4)", 64), null,
                        List.of("[4611686018427387904, 4]", "64-bit")),
                new Bad("fortran.npy", npy("<f4", true, BIG, 4096), null, List.of("Fortran")),
                new Bad("int32.npy", npy("<i4", false, BIG, 4096), null, List.of("'<i4'", "int32")),
                new Bad("missing key.npz", npz("y.npy", npy("<f4", false, "(1, 1, 2, 2)", 16)), "x", List.of("no array 'x'", "it has y")),
                new Bad("truncated entry.npz", npz("x.npy", good), "x", List.of(":x", "truncated", "needs 268435456 bytes")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void theLibraryRefusesItClearlyWithoutAllocatingTheDeclaredSize(Bad bad) throws IOException {
        Path file = Files.write(dir.resolve(bad.name()), bad.bytes());
        Allocations.Measured m = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> Allocations.measure(() -> {
            if (bad.key() == null) {
                Npy.read(file);
            } else {
                Npz.read(file, bad.key());
            }
        }));
        assertNotNull(m.thrown(), bad + " was read");
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        String message = m.thrown().getMessage();
        assertTrue(message.contains(file.toString()), "the message names the file: " + message);
        for (String s : bad.mustSay()) {
            assertTrue(message.contains(s), "the message must say '" + s + "': " + message);
        }
        assertTrue(m.bytes() < 1 << 20, bad + ": refusing allocated " + m.bytes() + " bytes");
    }

    List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void poolExitsTwoWithOneLineAndWritesNoOutput(Bad bad) throws IOException {
        Path file = Files.write(dir.resolve(bad.name()), bad.bytes());
        Path out = dir.resolve("out.npy");
        Path idx = dir.resolve("idx.npy");
        List<String> args = new ArrayList<>(List.of("pool", "--mode", "max", "--output-size", "2", "--input", file.toString(),
                "--output", out.toString(), "--indices", idx.toString(), "--device", "cpu"));
        if (bad.key() != null) {
            args.addAll(List.of("--key", bad.key()));
        }
        // No outputs yet: none may appear.
        List<Path> before = listing();
        Cli.Result[] r = new Cli.Result[1];
        Allocations.Measured m = Allocations.measure(() -> r[0] = Cli.run(args.toArray(String[]::new)));
        assertEquals(null, m.thrown());
        r[0].failsWithOneLine(ExitCodes.BAD_INPUT, bad.name());
        assertTrue(m.bytes() < 64L << 20, bad + ": the refused run allocated " + m.bytes() + " bytes");
        assertEquals(before, listing(), "no output, indices or temporary file");
        assertFalse(Files.exists(out) || Files.exists(idx));

        // Outputs from an earlier run: they keep their bytes.
        byte[] oldOut = "earlier values".getBytes(StandardCharsets.US_ASCII);
        byte[] oldIdx = "earlier indices".getBytes(StandardCharsets.US_ASCII);
        Files.write(out, oldOut);
        Files.write(idx, oldIdx);
        before = listing();
        Cli.run(args.toArray(String[]::new)).failsWithOneLine(ExitCodes.BAD_INPUT, bad.name());
        assertArrayEquals(oldOut, Files.readAllBytes(out), "the earlier output file");
        assertArrayEquals(oldIdx, Files.readAllBytes(idx), "the earlier indices file");
        assertEquals(before, listing(), "no temporary file");
    }
}
