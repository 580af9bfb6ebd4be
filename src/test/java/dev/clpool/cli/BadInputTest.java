package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.DeviceSelector;
import dev.clpool.npy.Npy;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad argument or file a user might try gets exit 2 and one line on stderr that names the problem,
 * with no stack trace and no output file; failures at run time get exit 1, the same way.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    private static Path out;

    @BeforeAll
    static void files() throws IOException {
        out = dir.resolve("out.npy");
        Npy.write(dir.resolve("x.npy"), Tensor.of(new float[32], Shape.of(1, 2, 4, 4)));
        Npy.write(dir.resolve("int64.npy"), Tensor.ofInt64(new long[32], Shape.of(1, 2, 4, 4)));
        Npy.write(dir.resolve("rank2.npy"), Tensor.of(new float[16], Shape.of(4, 4)));
        Npy.write(dir.resolve("rank5.npy"), Tensor.of(new float[32], Shape.of(1, 1, 2, 4, 4)));
        Npy.write(dir.resolve("empty-h.npy"), Tensor.of(new float[0], Shape.of(1, 2, 0, 4)));
        Npy.write(dir.resolve("empty-c.npy"), Tensor.of(new float[0], Shape.of(1, 0, 4, 4)));
        Npy.write(dir.resolve("idx-3x3.npy"), Tensor.ofInt64(new long[18], Shape.of(1, 2, 3, 3)));
        Npy.write(dir.resolve("val-2x2.npy"), Tensor.of(new float[8], Shape.of(1, 2, 2, 2)));
        byte[] valid = Files.readAllBytes(dir.resolve("x.npy"));
        Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(valid, valid.length - 5));
        Files.write(dir.resolve("trailing.npy"), Arrays.copyOf(valid, valid.length + 4));
        Files.write(dir.resolve("int32.npy"), npy("<i4", false, "1, 2, 4, 4", 32 * 4));
        Files.write(dir.resolve("uint16.npy"), npy("<u2", false, "1, 2, 4, 4", 32 * 2));
        Files.write(dir.resolve("strings.npy"), npy("<U5", false, "3,", 60));
        Files.write(dir.resolve("fortran.npy"), npy("<f4", true, "1, 2, 4, 4", 32 * 4));
        Files.write(dir.resolve("terabyte.npy"), npy("<f4", false, "1000000, 1000000, 1000", 64));
        Files.write(dir.resolve("overflow.npy"), npy("<f4", false, "4611686018427387904, 4", 64));
        Files.write(dir.resolve("text.npy"), "just some text, not an array".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N', 'U'});
        byte[] version9 = valid.clone();
        version9[6] = 9;
        Files.write(dir.resolve("version9.npy"), version9);
        Files.write(dir.resolve("garbled.npy"), header("{'shape': 'who knows'}"));
        Files.write(dir.resolve("not-a-zip.npz"), valid);
        try (OutputStream o = Files.newOutputStream(dir.resolve("arrays.npz")); ZipOutputStream zip = new ZipOutputStream(o)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(valid);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("y.npy"));
            zip.write(Arrays.copyOf(valid, 80));
            zip.closeEntry();
        }
        Files.createDirectories(dir.resolve("a-directory"));
    }

    /** A .npy file with the given header fields and {@code dataBytes} zero bytes of data. */
    private static byte[] npy(String descr, boolean fortran, String shape, int dataBytes) {
        byte[] h = header("{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + shape + "), }");
        return Arrays.copyOf(h, h.length + dataBytes);
    }

    private static byte[] header(String dict) {
        String text = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
        byte[] out = new byte[10 + text.length()];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length(), (byte) (text.length() >> 8)};
        System.arraycopy(magic, 0, out, 0, 10);
        System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, out, 10, text.length());
        return out;
    }

    private static String f(String name) {
        return dir.resolve(name).toString();
    }

    /** {@code pool --mode avg --output-size 2 --input x.npy --output out.npy --device cpu}, with {@code changes} applied. */
    private static String[] pool(String... changes) {
        List<String> args = new ArrayList<>(List.of("pool", "--mode", "avg", "--output-size", "2", "--input", f("x.npy"),
                "--output", out.toString(), "--device", "cpu"));
        for (int i = 0; i < changes.length; i += 2) {
            int at = args.indexOf(changes[i]);
            if (changes[i + 1] == null) {
                args.subList(at, at + 2).clear();
            } else if (at < 0) {
                args.addAll(List.of(changes[i], changes[i + 1]));
            } else {
                args.set(at + 1, changes[i + 1]);
            }
        }
        return args.toArray(String[]::new);
    }

    private static String[] compare(String... extra) {
        List<String> args = new ArrayList<>(List.of("compare", "--mode", "max", "--output-size", "2", "--input", f("x.npy"),
                "--device", "cpu"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static Arguments bad(String problem, String[] args, String... fragments) {
        return Arguments.of(problem, args, fragments);
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("no subcommand", new String[0], "missing subcommand"),
                bad("an unknown subcommand", new String[] {"poll"}, "'poll'", "did you mean"),
                bad("an unknown option", pool("--bogus", "1"), "Unknown option", "--bogus"),
                bad("no --mode", pool("--mode", null), "Missing required option", "--mode"),
                bad("no --output-size", pool("--output-size", null), "--output-size"),
                bad("no --input", pool("--input", null), "--input"),
                bad("no --output", pool("--output", null), "--output"),
                bad("a mode that is not avg or max", pool("--mode", "mean"), "--mode", "mean"),
                bad("a SPEC that is not a number", pool("--output-size", "5,x"), "--output-size", "'x'"),
                bad("an empty SPEC", pool("--output-size", ""), "--output-size"),
                bad("a SPEC with three sizes", pool("--output-size", "1,2,3"), "expected 1 or 2 sizes"),
                bad("a negative SPEC", pool("--output-size", "-1"), "sizes must be >= 0"),
                bad("a negative size beside none", pool("--output-size", "none,-3"), "sizes must be >= 0"),
                bad("a missing file", pool("--input", f("missing.npy")), "missing.npy", "no such file"),
                bad("a directory as input", pool("--input", f("a-directory")), "is a directory"),
                bad("int32", pool("--input", f("int32.npy")), "int32", "<i4"),
                bad("uint16 without --dtype bfloat16", pool("--input", f("uint16.npy")), "uint16", "--dtype bfloat16"),
                bad("a string array", pool("--input", f("strings.npy")), "<U5"),
                bad("int64 as input", pool("--input", f("int64.npy")), "dtype int64", "float32"),
                bad("rank 2", pool("--input", f("rank2.npy")), "rank 2"),
                bad("rank 5", pool("--input", f("rank5.npy")), "rank 5"),
                bad("an empty spatial dimension", pool("--input", f("empty-h.npy")), "dimension 2 empty"),
                bad("max over zero channels", pool("--mode", "max", "--input", f("empty-c.npy")), "dimension 1 empty"),
                bad("Fortran order", pool("--input", f("fortran.npy")), "Fortran order"),
                bad("truncated data", pool("--input", f("truncated.npy")), "truncated", "needs 128 bytes"),
                bad("trailing data", pool("--input", f("trailing.npy")), "trailing data"),
                bad("a header that claims a terabyte", pool("--input", f("terabyte.npy")), "terabyte.npy", "truncated"),
                bad("a shape whose byte count overflows", pool("--input", f("overflow.npy")), "overflow.npy"),
                bad("a text file", pool("--input", f("text.npy")), "not a .npy file"),
                bad("a file of three bytes", pool("--input", f("tiny.npy")), "not a .npy file"),
                bad("an unknown format version", pool("--input", f("version9.npy")), "version 9"),
                bad("a garbled header", pool("--input", f("garbled.npy")), "malformed .npy header"),
                bad("an .npz without --key", pool("--input", f("arrays.npz")), "--key", "it has x, y"),
                bad("a key the archive lacks", pool("--input", f("arrays.npz"), "--key", "z"), "no array 'z'", "x, y"),
                bad("a truncated .npz entry", pool("--input", f("arrays.npz"), "--key", "y"), "arrays.npz:y", "truncated"),
                bad("--key on a file that is not an archive", pool("--key", "x", "--input", f("not-a-zip.npz")), "not a .npz archive"),
                bad("--indices with avg", pool("--indices", f("i.npy")), "--indices needs --mode max"),
                bad("--indices the same file as --output", pool("--mode", "max", "--indices", out.toString()), "same file"),
                bad("an output in a missing directory", pool("--output", f("nowhere/out.npy")), "nowhere", "does not exist"),
                bad("an output that is a directory", pool("--output", f("a-directory")), "is a directory"),
                bad("a negative device index", pool("--device", "-1:0"), "--device", "must be >= 0"),
                bad("--expected-indices without --expected", compare("--expected-indices", f("idx-3x3.npy")), "needs --expected"),
                bad("--expected-indices with avg", new String[] {"compare", "--mode", "avg", "--output-size", "2", "--input",
                    f("x.npy"), "--expected", f("x.npy"), "--expected-indices", f("int64.npy")}, "needs --mode max"),
                bad("int64 values expected", compare("--expected", f("int64.npy")), "--expected", "dtype int64"),
                bad("float32 indices expected", compare("--expected", f("val-2x2.npy"), "--expected-indices", f("x.npy")),
                        "--expected-indices", "dtype float32"),
                bad("expected indices shaped unlike the values", compare("--expected", f("val-2x2.npy"), "--expected-indices",
                        f("idx-3x3.npy")), "[1, 2, 3, 3]", "[1, 2, 2, 2]"),
                bad("a missing expected file", compare("--expected", f("missing.npy")), "--expected", "no such file"),
                bad("a negative tolerance", compare("--atol", "-1"), "--atol"),
                bad("a NaN tolerance", compare("--rtol", "NaN"), "--rtol"),
                bad("a tolerance that is not a number", compare("--atol", "tiny"), "--atol", "tiny"),
                bad("one input size", new String[] {"plan", "--input-size", "10", "--output-size", "7"}, "H,W"),
                bad("three input sizes", new String[] {"plan", "--input-size", "10,9,8", "--output-size", "7"}, "H,W"),
                bad("a zero input size", new String[] {"plan", "--input-size", "0,9", "--output-size", "7"}, "from 1"),
                bad("input sizes that are not numbers", new String[] {"plan", "--input-size", "a,b", "--output-size", "7"}, "integers"),
                bad("a plan SPEC with three sizes", new String[] {"plan", "--input-size", "4,4", "--output-size", "1,2,3"}, "1 or 2 sizes"),
                bad("an SVG in a missing directory", new String[] {"plan", "--input-size", "4,4", "--output-size", "2", "--svg",
                    f("nowhere/p.svg")}, "--svg", "does not exist"),
                bad("devices with an argument", new String[] {"devices", "extra"}, "extra"),
                bad("demo with a bad device", new String[] {"demo", "--device", "1:-2"}, "must be >= 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void exitsTwoWithOneClearLine(String problem, String[] args, String[] fragments) {
        Cli.Result r = Cli.run(args);
        r.failsWithOneLine(ExitCodes.BAD_INPUT, fragments);
        assertEquals("", r.out(), "nothing on stdout");
        assertFalse(Files.exists(out), "no output written");
    }

    @Test
    void aMalformedDefaultDeviceIsBadInput() {
        System.setProperty(DeviceSelector.PROPERTY, "-3:1");
        try {
            Cli.run(pool("--device", null)).failsWithOneLine(ExitCodes.BAD_INPUT, "clpool.device", "-3:1");
        } finally {
            System.clearProperty(DeviceSelector.PROPERTY);
        }
    }

    @Test
    void aDeviceThatIsNotThereIsARunTimeFailure() {
        // With OpenCL: no device of that name; without: no OpenCL. Exit 1 either way, as the same command may work elsewhere.
        Cli.run(pool("--device", "no-such-device-anywhere")).failsWithOneLine(ExitCodes.FAILED);
        assertFalse(Files.exists(out));
    }

    @Test
    void verboseAddsTheStackTrace() {
        List<String> args = new ArrayList<>(List.of(pool("--input", f("truncated.npy"))));
        args.add("--verbose");
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.errLines().get(0).startsWith("clpool pool: --input"));
        assertTrue(r.err().contains("\tat dev.clpool."), r.err());
    }
}
