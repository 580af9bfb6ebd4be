package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.opencl.OpenClLoader;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.SvgDocument;
import dev.clpool.testing.TestDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a separate {@code java} process: exit codes reach the shell, stdout and stderr are
 * separate, Logback uses the CLI's configuration (WARN, one line), and --verbose adds stack traces.
 */
class ProcessTest {
    /** ocl-icd reads vendors from here: an empty directory means no OpenCL platform, on any machine. */
    private static final String NO_OPENCL = "OCL_ICD_VENDORS";

    @TempDir
    Path dir;

    @Test
    void helpListsEverySubcommandAndTheExitCodes() throws Exception {
        Cli.Result r = Cli.process(Map.of(), "--help").succeeds();
        for (String sub : new String[] {"pool", "compare", "devices", "plan", "demo"}) {
            assertTrue(r.out().contains("\n  " + sub + " "), sub + " in:\n" + r.out());
        }
        assertTrue(r.out().contains("Exit codes:"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void poolsAFileOnTheDefaultDevice() throws Exception {
        Path x = Cli.golden(dir, "seed_max_none_7__x");
        Path y = dir.resolve("y.npy");
        Path i = dir.resolve("i.npy");
        Cli.Result r = Cli.process(Map.of(), "pool", "--mode", "max", "--output-size", "none,7", "--input", x.toString(),
                "--output", y.toString(), "--indices", i.toString()).succeeds();
        assertTrue(r.out().contains("adaptive_max_pool2d"), r.out());
        assertEquals(Shape.of(1, 64, 10, 7), Npy.read(y).shape());
        assertEquals(Shape.of(1, 64, 10, 7), Npy.read(i).shape());
    }

    @Test
    void badInputExitsTwoWithOneLineAndVerboseAddsTheStackTrace() throws Exception {
        Path bad = dir.resolve("bad.npy");
        Files.writeString(bad, "not numpy");
        String[] args = {"pool", "--mode", "avg", "--output-size", "7", "--input", bad.toString(), "--output",
            dir.resolve("y.npy").toString(), "--device", "cpu"};
        Cli.process(Map.of(), args).failsWithOneLine(ExitCodes.BAD_INPUT, "not a .npy file");

        String[] verbose = Arrays.copyOf(args, args.length + 1);
        verbose[args.length] = "--verbose";
        Cli.Result r = Cli.process(Map.of(), verbose);
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("\tat dev.clpool.npy.NpyHeader"), r.err());
    }

    @Test
    void withoutOpenClTheDefaultFallsBackToJavaWithOneWarning() throws Exception {
        Map<String, String> env = Map.of(NO_OPENCL, dir.toString());
        Cli.Result devices = Cli.process(env, "devices").succeeds();
        assertTrue(devices.out().contains("OpenCL: not available"), devices.out());
        assertTrue(devices.out().contains(OpenClUnavailableException.INSTALL_HINT), devices.out());

        Cli.Result demo = Cli.process(env, "demo").succeeds();
        assertTrue(demo.out().startsWith("clpool demo on Java"), demo.out());
        assertEquals(1, demo.errLines().size(), demo.err());
        assertTrue(demo.errLines().get(0).startsWith("WARN  Clpool: OpenCL is not available, pooling on the Java path"), demo.err());

        Cli.process(env, "compare", "--mode", "avg", "--output-size", "7", "--input", Cli.archive(), "--key", "seed_avg_7__x")
                .failsWithOneLine(ExitCodes.FAILED, "OpenCL");
    }

    @Test
    void withoutALoaderLibraryNothingButOneWarningReachesStderr() throws Exception {
        Map<String, String> env = Map.of(OpenClLoader.ENVIRONMENT, dir.resolve("absent").resolve("libOpenCL.so.1").toString());
        Cli.Result devices = Cli.process(env, "devices").succeeds();
        assertTrue(devices.out().contains("OpenCL: not available: no OpenCL loader library could be loaded (tried "
                + dir.resolve("absent") + "/libOpenCL.so.1 from " + OpenClLoader.ENVIRONMENT + ": "), devices.out());
        assertEquals("", devices.err());

        Cli.Result demo = Cli.process(env, "demo").succeeds();
        assertEquals(1, demo.errLines().size(), "the WARN alone, no line from JOCL's native code: " + demo.err());
        assertTrue(demo.errLines().get(0).startsWith("WARN  Clpool: OpenCL is not available, pooling on the Java path: "
                + "no OpenCL loader library could be loaded"), demo.err());
    }

    @Test
    void devicesNamesTheOpenClLibraryAndTheOverrideIsHonoured() throws Exception {
        TestDevices.openCl();
        Cli.Result found = Cli.process(Map.of(), "devices").succeeds();
        String line = found.out().lines().filter(l -> l.startsWith("OpenCL library: ")).findFirst().orElseThrow(() ->
                new AssertionError("no 'OpenCL library:' line in\n" + found.out()));
        String file = line.substring("OpenCL library: ".length(), line.indexOf(" ("));
        assertTrue(Files.isRegularFile(Path.of(file)) && Path.of(file).getFileName().toString().startsWith("libOpenCL.so"), line);

        Cli.Result named = Cli.process(Map.of(OpenClLoader.ENVIRONMENT, file), "devices").succeeds();
        assertTrue(named.out().contains("OpenCL library: " + file + " (" + file + " from " + OpenClLoader.ENVIRONMENT + ")"), named.out());
        assertTrue(named.out().contains("* automatic choice"), named.out());
    }

    @Test
    void verboseShowsEveryKernelLaunchAndWhere() throws Exception {
        Path x = Cli.golden(dir, "seed_max_none_7__x");
        String[] pool = {"pool", "--mode", "max", "--output-size", "none,7", "--input", x.toString(), "--output",
            dir.resolve("y.npy").toString(), "--verbose", "--device"};
        Cli.Result java = Cli.process(Map.of(), concat(pool, "cpu")).succeeds();
        assertTrue(java.err().lines().anyMatch(l -> l.matches(".*launch max-\\S+ on Java \\(.*")), java.err());
        TestDevices.openCl();
        Cli.Result cl = Cli.process(Map.of(), concat(pool, "opencl")).succeeds();
        assertTrue(cl.err().lines().anyMatch(l -> l.matches(".*launch \\w+ on .+ global=\\[\\d+] local=\\[\\d+].*")), cl.err());
    }

    @Test
    void poolOnTwoDevicesSplitsThePlanesAndWritesTheJavaPathsBits() throws Exception {
        TestDevices.openCl();
        Path x = dir.resolve("x.npy");
        Random r = new Random(Seeds.seed("ProcessTest"));
        float[] values = new float[8 * 64 * 64 * 64];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextInt(5) == 0 ? Float.NaN : r.nextInt(9); // NaN and ties
        }
        Npy.write(x, Tensor.of(values, 8, 64, 64, 64));
        String[] pool = {"pool", "--mode", "max", "--output-size", "7,5", "--input", x.toString(), "--output"};
        Map<String, String> twoDevices = Map.of("POCL_DEVICES", "pthread pthread", "CLPOOL_DEVICE", "cpu");
        Cli.Result split = Cli.process(twoDevices, concat(concat(concat(concat(pool, dir.resolve("split.npy").toString()), "--device"), "0:0,0:1"),
                "--verbose")).succeeds();
        for (String device : new String[] {"0:0", "0:1"}) {
            assertTrue(split.err().lines().anyMatch(l -> l.matches(".*launch \\w+ on pthread-.*, CPU, " + device + "\\) global=.*")),
                    "launches on " + device + ": " + split.err());
        }
        assertTrue(split.out().matches("(?s).* on OpenCL: pthread-.* \\+ pthread-.* \\(split: pthread-.* [1-9]\\d* chunks? \\d+%, "
                + "pthread-.* [1-9]\\d* chunks? \\d+%\\)\\s*"), split.out());
        Cli.process(twoDevices, concat(concat(concat(pool, dir.resolve("java.npy").toString()), "--device"), "cpu")).succeeds();
        assertArrayEquals(Files.readAllBytes(dir.resolve("java.npy")), Files.readAllBytes(dir.resolve("split.npy")));
    }

    private static String[] concat(String[] args, String last) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }

    @Test
    void compareAndDemoRunOnOpenCl() throws Exception {
        TestDevices.openCl();
        Cli.Result demo = Cli.process(Map.of(), "demo", "--device", "opencl").succeeds();
        assertTrue(demo.out().startsWith("clpool demo on OpenCL"), demo.out());
        assertEquals("", demo.err());
        Cli.process(Map.of(), "compare", "--mode", "max", "--output-size", "80,60", "--input", Cli.archive(), "--key",
                "seed_up_80x60__x").succeeds();
    }

    @Test
    void planWritesAnSvg() throws Exception {
        Path svg = dir.resolve("bins.svg");
        Cli.process(Map.of(), "plan", "--input-size", "8,9", "--output-size", "5,7", "--svg", svg.toString()).succeeds();
        SvgDocument doc = SvgDocument.read(svg);
        assertEquals("adaptive pooling bins: input 8\u00d79 \u2192 output 5\u00d77", doc.title());
        assertEquals(35, doc.in("bins", "rect").size());
    }
}
