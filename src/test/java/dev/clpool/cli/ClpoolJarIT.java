package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.tensor.Shape;
import dev.clpool.testing.SvgDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tool as a user runs it, {@code java -jar target/clpool.jar}: run by failsafe after
 * {@code package} ({@code mvn verify}), so that the shaded jar's manifest, resources and dependencies
 * are checked, not only the classes.
 */
class ClpoolJarIT {
    private static final Path JAR = Path.of("target", "clpool.jar");

    @TempDir
    Path dir;

    @BeforeAll
    static void jarExists() {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package");
    }

    /** The JVM's own warnings (JDK 22+ native access, JDK 24+ sun.misc.Unsafe) start with "WARNING:"; none may show. */
    private static void noJvmWarnings(Cli.Result r) {
        assertTrue(r.errLines().stream().noneMatch(l -> l.startsWith("WARNING:")), r.err());
    }

    @Test
    void everySubcommandHasHelp() throws Exception {
        Cli.Result root = Cli.jar(JAR, "--help").succeeds();
        assertTrue(root.out().startsWith("Usage: clpool"), root.out());
        for (String sub : new String[] {"pool", "compare", "devices", "plan", "demo"}) {
            Cli.Result r = Cli.jar(JAR, sub, "--help").succeeds();
            assertTrue(r.out().startsWith("Usage: clpool " + sub), r.out());
            assertEquals("", r.err());
        }
        Cli.Result version = Cli.jar(JAR, "--version").succeeds();
        assertTrue(version.out().matches("clpool \\d+\\.\\d+\\.\\d+.*\\R"), version.out());
    }

    @Test
    void poolsAndRefusesBadInput() throws Exception {
        Path x = Cli.golden(dir, "seed_avg_5x7__x");
        Path y = dir.resolve("y.npy");
        noJvmWarnings(Cli.jar(JAR, "pool", "--mode", "avg", "--output-size", "5,7", "--input", x.toString(), "--output",
                y.toString()).succeeds());
        // auto: OpenCL where there is some, else the Java path (compare's own default, opencl, fails without OpenCL).
        noJvmWarnings(Cli.jar(JAR, "compare", "--mode", "max", "--output-size", "5,7", "--input", x.toString(), "--device", "auto")
                .succeeds());
        assertEquals(Shape.of(1, 64, 5, 7), Npy.read(y).shape());
        Cli.jar(JAR, "pool", "--mode", "avg", "--output-size", "5,x", "--input", x.toString(), "--output", y.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--output-size");
    }

    @Test
    void demoDevicesAndPlanRun() throws Exception {
        Cli.Result demo = Cli.jar(JAR, "demo").succeeds();
        assertTrue(demo.out().contains("all 7 cases agree with the Java path"), demo.out());
        noJvmWarnings(demo);
        noJvmWarnings(Cli.jar(JAR, "devices").succeeds());
        Path svg = dir.resolve("bins.svg");
        noJvmWarnings(Cli.jar(JAR, "plan", "--input-size", "10,9", "--output-size", "7", "--svg", svg.toString()).succeeds());
        SvgDocument doc = SvgDocument.read(svg);
        assertEquals("adaptive pooling bins: input 10\u00d79 \u2192 output 7\u00d77", doc.title());
        assertEquals(49, doc.in("bins", "rect").size());
    }
}
