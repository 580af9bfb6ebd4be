package dev.clpool.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.opencl.OpenClDevices;
import dev.clpool.opencl.OpenClLoader;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.testing.ChildJvm;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Without OpenCL, in a child JVM: the automatic choice falls back to the Java path with exactly one WARN
 * however many engines are opened, and gives the Java path's results bit for bit; every explicit request
 * for OpenCL fails with {@link OpenClUnavailableException}, saying what is missing and how to install it,
 * and logs nothing. Both absences a user meets are tried, each with its own message:
 * <ul>
 *   <li>no loader library: {@code CLPOOL_OPENCL_LIBRARY} names a file that does not exist, so nothing
 *       loads (the same path a machine without any {@code libOpenCL.so.1} takes);</li>
 *   <li>a loader with no platform: {@code OCL_ICD_VENDORS} points at an empty directory, which the ICD
 *       loader reads instead of {@code /etc/OpenCL/vendors}; this needs a loader, so it skips (and CI
 *       fails) on a machine without one.</li>
 * </ul>
 * Nothing else reaches stderr: no line from JOCL's native code, no stack trace.
 */
class NoOpenClTest {
    @TempDir
    Path temp;

    enum Absence {
        NO_LOADER("no OpenCL loader library could be loaded (tried "),
        NO_PLATFORM("OpenCL is installed but reports no platform");

        final String message;

        Absence(String message) {
            this.message = message;
        }
    }

    ChildJvm.Child child(Absence absence, String... args) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("OCL_ICD_FILENAMES", null);
        env.put("CLPOOL_DEVICE", null);
        if (absence == Absence.NO_LOADER) {
            env.put(OpenClLoader.ENVIRONMENT, temp.resolve("absent").resolve("libOpenCL.so.1").toString());
        } else {
            requireLoader();
            env.put(OpenClLoader.ENVIRONMENT, null);
            env.put("OCL_ICD_VENDORS", Files.createDirectories(temp.resolve("vendors")).toString());
        }
        return ChildJvm.run(NoOpenClChild.class, env, args);
    }

    /** A loader with no platform needs a loader: skip without one (CI refuses the skip, as it installs one). */
    private static void requireLoader() {
        try {
            OpenClDevices.list();
        } catch (OpenClUnavailableException e) {
            Assumptions.assumeFalse(e.getMessage().startsWith(Absence.NO_LOADER.message),
                    "no OpenCL loader library on this machine, so a loader without platforms cannot be tried: " + e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Absence.class)
    void theAutomaticChoiceFallsBackToJavaWithOneWarningAndTheJavaPathsResults(Absence absence) throws Exception {
        long seed = Seeds.seed("NoOpenClTest");
        ChildJvm.Child c = child(absence, "auto", Long.toString(seed));
        String all = c.all();
        assertEquals(0, c.code(), all);
        assertTrue(c.out().get(0).startsWith("device Java (") && c.out().get(0).endsWith("opencl=false"), all);
        assertTrue(c.out().get(1).startsWith("device Java (") && c.out().get(1).endsWith("opencl=false"), all);
        assertEquals(List.of(c.warnings().get(0)), c.err(), "one WARN for two engines opened automatically, and nothing else: " + all);
        String warning = c.warnings().get(0);
        assertTrue(warning.contains("OpenCL is not available, pooling on the Java path: " + absence.message)
                && warning.contains(OpenClUnavailableException.INSTALL_HINT), warning);

        List<Workload.Job> jobs = Workload.jobs(seed);
        List<String> results = c.out().stream().filter(l -> l.startsWith("result ")).toList();
        assertEquals(jobs.size(), results.size(), all);
        for (int i = 0; i < jobs.size(); i++) {
            String expected = "result " + i + " " + NoOpenClChild.digest(jobs.get(i).run(TestDevices.java(), Workload.Api.HOST));
            assertEquals(expected, results.get(i), Seeds.describe(seed) + ": " + jobs.get(i) + " in the child vs the Java path here");
        }
    }

    @ParameterizedTest
    @EnumSource(Absence.class)
    void anExplicitRequestForOpenClFailsClearlyAndLogsNothing(Absence absence) throws Exception {
        ChildJvm.Child c = child(absence, "explicit");
        String all = c.all();
        assertEquals(0, c.code(), all);
        List<String> refusals = c.out().stream().filter(l -> l.startsWith("refused ")).toList();
        assertEquals(5, refusals.size(), "open(opencl), open(0:0), open(a name) twice, and -Dclpool.device=opencl: " + all);
        for (String r : refusals) {
            assertTrue(r.contains(": OpenClUnavailableException: " + absence.message)
                    && r.contains(OpenClUnavailableException.INSTALL_HINT), r);
        }
        assertTrue(c.out().contains("cpu " + TestDevices.java().device() + " opencl=false"), "the Java path asked for explicitly: " + all);
        assertEquals(List.of(), c.err(), "an explicit choice never falls back, so nothing to warn about, and nothing else on stderr: " + all);
    }
}
