package dev.clpool.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5.5: in a child JVM whose OpenCL loader finds no platform ({@code OCL_ICD_VENDORS} pointing at
 * an empty directory, which the ICD loader reads instead of {@code /etc/OpenCL/vendors}), the
 * automatic choice falls back to the Java path with exactly one WARN however many engines are opened,
 * and gives the Java path's results bit for bit; every explicit request for OpenCL fails with
 * {@link OpenClUnavailableException}, saying what is missing and how to install it, and logs nothing.
 */
class NoOpenClTest {
    @TempDir
    Path emptyVendors;

    record Child(int code, List<String> out, List<String> err) {
        List<String> warnings() {
            return err.stream().filter(l -> l.matches(".*\\bWARN\\b.*")).toList();
        }
    }

    Child child(String... args) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, NoOpenClChild.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("clpool-child-out", ".txt");
        Path err = Files.createTempFile("clpool-child-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
            pb.environment().remove("OCL_ICD_FILENAMES");
            pb.environment().remove("CLPOOL_DEVICE");
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the child JVM timed out: " + command);
            }
            return new Child(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readAllLines(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void theAutomaticChoiceFallsBackToJavaWithOneWarningAndTheJavaPathsResults() throws Exception {
        long seed = Seeds.seed("NoOpenClTest");
        Child c = child("auto", Long.toString(seed));
        String all = "stdout:\n" + String.join("\n", c.out()) + "\nstderr:\n" + String.join("\n", c.err());
        assertEquals(0, c.code(), all);
        assertTrue(c.out().get(0).startsWith("device Java (") && c.out().get(0).endsWith("opencl=false"), all);
        assertTrue(c.out().get(1).startsWith("device Java (") && c.out().get(1).endsWith("opencl=false"), all);
        assertEquals(1, c.warnings().size(), "one WARN for two engines opened automatically: " + all);
        String warning = c.warnings().get(0);
        assertTrue(warning.contains("OpenCL is not available, pooling on the Java path") && warning.contains("no platform"), warning);
        assertFalse(String.join("\n", c.err()).contains("\tat "), "no stack trace: " + all);

        List<Workload.Job> jobs = Workload.jobs(seed);
        List<String> results = c.out().stream().filter(l -> l.startsWith("result ")).toList();
        assertEquals(jobs.size(), results.size(), all);
        for (int i = 0; i < jobs.size(); i++) {
            String expected = "result " + i + " " + NoOpenClChild.digest(TestDevices.java().pool(jobs.get(i).input(), jobs.get(i).op()));
            assertEquals(expected, results.get(i), Seeds.describe(seed) + ": " + jobs.get(i) + " in the child vs the Java path here");
        }
    }

    @Test
    void anExplicitRequestForOpenClFailsClearlyAndLogsNothing() throws Exception {
        Child c = child("explicit");
        String all = "stdout:\n" + String.join("\n", c.out()) + "\nstderr:\n" + String.join("\n", c.err());
        assertEquals(0, c.code(), all);
        List<String> refusals = c.out().stream().filter(l -> l.startsWith("refused ")).toList();
        assertEquals(5, refusals.size(), "open(opencl), open(0:0), open(a name) twice, and -Dclpool.device=opencl: " + all);
        for (String r : refusals) {
            assertTrue(r.contains(": OpenClUnavailableException: OpenCL is installed but reports no platform")
                    && r.contains(OpenClUnavailableException.INSTALL_HINT), r);
        }
        assertTrue(c.out().contains("cpu " + TestDevices.java().device() + " opencl=false"), "the Java path asked for explicitly: " + all);
        assertEquals(List.of(), c.warnings(), "an explicit choice never falls back, so nothing to warn about: " + all);
    }
}
