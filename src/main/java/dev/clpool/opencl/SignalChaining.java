package dev.clpool.opencl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * PoCL compiles kernels with LLVM inside the JVM, and LLVM then installs its own SIGSEGV handler (to
 * remove temporary files on a crash), replacing the JVM's. The JVM relies on SIGSEGV for safepoint
 * polls; when several Java threads hit a poll at once, the second finds no handler and the process
 * dies (seen here: clpool bench on PoCL, exit 139). The JVM's cure for native libraries that install
 * handlers is signal chaining: start it with {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}.
 */
public final class SignalChaining {
    private static final String PRELOAD = "LD_PRELOAD";

    private SignalChaining() {
    }

    /** True when this JVM runs with the JVM's signal-chaining library preloaded. */
    public static boolean active() {
        String preload = System.getenv(PRELOAD);
        return preload != null && preload.contains("libjsig");
    }

    /** This JVM's signal-chaining library, where it has one (Linux). */
    public static Optional<Path> library() {
        Path lib = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        return Files.isRegularFile(lib) ? Optional.of(lib) : Optional.empty();
    }

    /** {@code LD_PRELOAD} with the signal-chaining library added in front. */
    public static String preloadWith(Path library) {
        String preload = System.getenv(PRELOAD);
        return preload == null || preload.isBlank() ? library.toString() : library + ":" + preload;
    }

    /** True when an OpenCL ICD of PoCL is registered, without loading OpenCL. */
    public static boolean poclRegistered() {
        String dirs = System.getenv("OCL_ICD_VENDORS");
        Path dir = Path.of(dirs != null && !dirs.isBlank() ? dirs : "/etc/OpenCL/vendors");
        if (!Files.isDirectory(dir)) {
            return dir.getFileName() != null && dir.getFileName().toString().toLowerCase(Locale.ROOT).contains("pocl");
        }
        try (DirectoryStream<Path> icds = Files.newDirectoryStream(dir, "*.icd")) {
            for (Path icd : icds) {
                if (icd.getFileName().toString().toLowerCase(Locale.ROOT).contains("pocl")
                        || Files.readString(icd).toLowerCase(Locale.ROOT).contains("pocl")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** True for PoCL's platform, whose in-process LLVM replaces the JVM's signal handlers. */
    static boolean isPocl(DeviceInfo device) {
        return device.platformName().toLowerCase(Locale.ROOT).contains("portable computing language")
                || device.version().contains("PoCL");
    }
}
