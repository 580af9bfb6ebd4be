package dev.clpool.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the OpenCL library before JOCL looks for it. JOCL 2.0.5 opens only {@code libOpenCL.so}, the
 * name the {@code -dev} packages add, while OpenCL users have the runtime loader {@code libOpenCL.so.1}
 * (what Debian's {@code ocl-icd-libopencl1} and NVIDIA's, AMD's and Intel's drivers install); a failed
 * attempt also prints a line on stderr from JOCL's native code and leaves JOCL unusable in this JVM. So
 * on Linux clpool finds the library itself and loads it through a {@link LoaderShim}, trying in turn:
 * <ol>
 *   <li>the library named by the system property {@value #PROPERTY} or the environment variable
 *       {@value #ENVIRONMENT} (a path), alone when set;</li>
 *   <li>{@code libOpenCL.so.1} on the dynamic linker's search path ({@code LD_LIBRARY_PATH},
 *       {@code ld.so.cache}, the system directories);</li>
 *   <li>{@code libOpenCL.so.1} and {@code libOpenCL.so} in the usual vendor directories (CUDA, ROCm,
 *       oneAPI, {@code /usr/local/lib}, ...).</li>
 * </ol>
 * JOCL is touched only once one of them loads, so a machine without OpenCL sees clpool's message alone.
 * Elsewhere (macOS, Windows) JOCL's own search is used.
 */
public final class OpenClLoader {
    /** System property naming the OpenCL library to load, for unusual installs. */
    public static final String PROPERTY = "clpool.opencl.library";
    /** Environment variable naming the OpenCL library to load, when the property is not set. */
    public static final String ENVIRONMENT = "CLPOOL_OPENCL_LIBRARY";

    private static final Logger LOG = LoggerFactory.getLogger(OpenClLoader.class);
    private static final String RUNTIME_NAME = "libOpenCL.so.1";

    /**
     * The OpenCL library in use.
     *
     * @param file the library file, e.g. {@code /usr/lib/x86_64-linux-gnu/libOpenCL.so.1.0.0}
     * @param foundBy what was asked for and where, e.g. {@code libOpenCL.so.1 from the loader search path}
     */
    public record Library(String file, String foundBy) {
        @Override
        public String toString() {
            return file + " (" + foundBy + ")";
        }
    }

    private record Candidate(String name, String source) {
        String describe() {
            return name + " from " + source;
        }
    }

    private static Library loaded;
    private static OpenClUnavailableException failure;

    private OpenClLoader() {
    }

    /**
     * Loads the OpenCL library once per JVM; later calls return the same answer.
     *
     * @throws OpenClUnavailableException naming every library tried, when none loads
     */
    static synchronized Library load() {
        if (loaded == null && failure == null) {
            try {
                loaded = find();
                LOG.debug("OpenCL library: {}", loaded);
            } catch (OpenClUnavailableException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return loaded;
    }

    /** The library loaded so far, if any (for {@code clpool devices}). */
    public static synchronized Optional<Library> current() {
        return Optional.ofNullable(loaded);
    }

    private static Library find() {
        OptionalInt machine = LoaderShim.machine();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux") || machine.isEmpty()) {
            return new Library("OpenCL", "JOCL's own search on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        }
        List<String> tried = new ArrayList<>();
        for (Candidate c : candidates()) {
            Optional<String> error = tryLoad(c.name(), machine.getAsInt());
            if (error.isEmpty()) {
                return new Library(resolve(c.name()), c.describe());
            }
            tried.add(c.describe() + ": " + error.get());
        }
        throw new OpenClUnavailableException("no OpenCL loader library could be loaded (tried " + String.join("; ", tried)
                + "); " + OpenClUnavailableException.INSTALL_HINT + ", or name the library with -D" + PROPERTY
                + "=PATH or " + ENVIRONMENT + "=PATH");
    }

    /** The override alone when set, else the runtime name on the search path, then the vendor directories' files. */
    private static List<Candidate> candidates() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return List.of(new Candidate(property.strip(), "-D" + PROPERTY));
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return List.of(new Candidate(env.strip(), ENVIRONMENT));
        }
        List<Candidate> all = new ArrayList<>();
        all.add(new Candidate(RUNTIME_NAME, "the loader search path"));
        for (Path dir : vendorDirectories()) {
            for (String name : List.of(RUNTIME_NAME, LoaderShim.SONAME)) {
                Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) {
                    all.add(new Candidate(file.toString(), "a vendor directory"));
                }
            }
        }
        return all;
    }

    private static Set<Path> vendorDirectories() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String triplet = arch.equals("aarch64") || arch.equals("arm64") ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        String cudaTarget = triplet.startsWith("aarch64") ? "sbsa-linux" : "x86_64-linux";
        Set<Path> dirs = new LinkedHashSet<>();
        Stream.of("/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/usr/lib", "/usr/local/lib", "/usr/local/lib64",
                "/usr/local/cuda/lib64", "/usr/local/cuda/targets/" + cudaTarget + "/lib", "/opt/rocm/lib",
                "/opt/rocm/opencl/lib", "/opt/intel/oneapi/redist/lib", "/opt/intel/opencl/lib64", "/usr/lib/wsl/lib")
                .map(Path::of).forEach(dirs::add);
        return dirs;
    }

    /** Loads the shim for {@code library}; an empty result when it loaded, else the linker's reason. */
    private static Optional<String> tryLoad(String library, int machine) {
        Path shim = null;
        try {
            shim = Files.createTempFile("clpool-opencl-", ".so");
            LoaderShim.write(shim, library, machine);
            System.load(shim.toString());
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            return Optional.of(reason(e.getMessage(), shim));
        } catch (IOException | SecurityException e) {
            return Optional.of("could not write the loader shim: " + e);
        } finally {
            if (shim != null) {
                try {
                    Files.deleteIfExists(shim); // mapped already, if it loaded
                } catch (IOException e) {
                    shim.toFile().deleteOnExit();
                }
            }
        }
    }

    /** The linker's message without the shim's temporary path, e.g. {@code libOpenCL.so.1: cannot open shared object file}. */
    private static String reason(String message, Path shim) {
        String text = message == null ? "not loaded" : message;
        int at = text.indexOf(shim.toString() + ": ");
        return at >= 0 ? text.substring(at + shim.toString().length() + 2) : text;
    }

    /** The file behind a loaded library: a path's real path, or for a searched name the file the process mapped. */
    private static String resolve(String library) {
        if (library.contains("/")) {
            try {
                return Path.of(library).toRealPath().toString();
            } catch (IOException e) {
                return library;
            }
        }
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(OpenClLoader::mappedFile).flatMap(Optional::stream)
                    .filter(f -> f.getFileName() != null && f.getFileName().toString().startsWith(library))
                    .map(Path::toString).findFirst().orElse(library);
        } catch (IOException | RuntimeException e) {
            return library;
        }
    }

    /** The file of a {@code /proc/self/maps} line, if it maps one. */
    private static Optional<Path> mappedFile(String line) {
        int slash = line.indexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(Path.of(line.substring(slash)));
    }
}
