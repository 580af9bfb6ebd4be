package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.TestDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clpool loads the OpenCL library users have ({@code libOpenCL.so.1}) through its shim, which the dynamic
 * linker reads: the shim's dependency is what gets loaded, and JOCL then finds OpenCL under the name it
 * asks for. (The command line's view of it, {@code devices} and the override, is in ProcessTest.)
 */
class OpenClLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theLinkerLoadsTheShimsDependencyAndNamesItWhenMissing() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
                && LoaderShim.machine().isPresent(), "the shim is for Linux on x86-64 and AArch64");
        Path shim = dir.resolve("shim.so");
        LoaderShim.write(shim, "libclpool-test-absent.so.7", LoaderShim.machine().getAsInt());
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> System.load(shim.toString()));
        assertTrue(e.getMessage().contains("libclpool-test-absent.so.7: cannot open shared object file"), e.getMessage());
    }

    @Test
    void openClIsFoundThroughTheRuntimeLoaderAndSaysWhichFile() {
        TestDevices.openCl();
        OpenClLoader.Library library = OpenClLoader.current().orElseThrow();
        assertTrue(Files.isRegularFile(Path.of(library.file())), library.toString());
        assertTrue(Path.of(library.file()).getFileName().toString().startsWith("libOpenCL.so"), library.toString());
    }
}
