package dev.clpool.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;

/**
 * The engines tests run on, opened once per test JVM. OpenCL tests skip on a machine without OpenCL,
 * but never where {@link #openClRequired()} (CI): there a missing device fails the test.
 */
public final class TestDevices {
    private static Clpool java;
    private static Clpool openCl;
    private static RuntimeException openClFailure;

    private TestDevices() {
    }

    /** True in CI ({@code CI} set) or with {@code -Dclpool.test.requireOpenCl=true}. */
    public static boolean openClRequired() {
        String ci = System.getenv("CI");
        return Boolean.getBoolean("clpool.test.requireOpenCl") || (ci != null && !ci.isEmpty() && !ci.equals("false"));
    }

    /** The Java path. */
    public static synchronized Clpool java() {
        if (java == null) {
            java = Clpool.open(DeviceSelector.java());
        }
        return java;
    }

    /**
     * The OpenCL device chosen as {@code auto} would choose it (or {@code clpool.device} names it),
     * opened and compiled once; skips the test when OpenCL is missing, unless it is required.
     */
    public static synchronized Clpool openCl() {
        if (openCl == null && openClFailure == null) {
            try {
                DeviceSelector s = DeviceSelector.fromEnvironment();
                openCl = Clpool.open(s instanceof DeviceSelector.Auto || s instanceof DeviceSelector.Java ? DeviceSelector.opencl() : s);
                recordEvidence(openCl.device());
            } catch (OpenClUnavailableException e) {
                openClFailure = e;
            }
        }
        if (openCl == null) {
            if (openClRequired()) {
                fail("OpenCL is required here (CI) but unavailable: " + openClFailure.getMessage(), openClFailure);
            }
            Assumptions.abort("no OpenCL device: " + openClFailure.getMessage());
        }
        return openCl;
    }

    /** {@code @MethodSource(TestDevices.ENGINES)}: a parameterized test runs on {@link #engines()}. */
    public static final String ENGINES = "dev.clpool.testing.TestDevices#engines";

    /** Both paths, for parameterized tests; the OpenCL one skips (or fails in CI) when missing. */
    public static Stream<Named<EngineSource>> engines() {
        return Stream.of(Named.of("java", TestDevices::java), Named.of("opencl", TestDevices::openCl));
    }

    /** {@code @MethodSource(TestDevices.POOL_KERNELS)}: auto, then every pooling kernel of the registry, forced by name. */
    public static final String POOL_KERNELS = "dev.clpool.testing.TestDevices#poolKernels";

    public static Stream<Named<String>> poolKernels() {
        return Stream.concat(Stream.of(OpenClOptions.AUTO), OpenClOptions.poolKernelNames().stream()).map(k -> Named.of(k, k));
    }

    /** The OpenCL device with {@code kernel} forced ({@code auto}: the registry's choice), opened once per kernel. */
    public static synchronized Clpool forced(String kernel) {
        openCl(); // skips without OpenCL, fails in CI
        return FORCED.computeIfAbsent(kernel, k -> Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withKernel(k)));
    }

    private static final Map<String, Clpool> FORCED = new HashMap<>();

    /** Whether {@code clpool}'s forced kernel runs {@code op} of {@code input}: false where it refuses the plan. */
    public static boolean runs(Clpool clpool, Tensor input, AdaptivePool op) {
        try {
            clpool.kernelFor(input, op);
            return true;
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("kernel: clpool.kernel=")) {
                return false;
            }
            throw e;
        }
    }

    /** Opens an engine lazily, so that a missing OpenCL skips only the tests that need it. */
    @FunctionalInterface
    public interface EngineSource {
        Clpool get();
    }

    /** Leaves proof for .ci/run that OpenCL kernels were compiled and used in this run. */
    private static void recordEvidence(String device) {
        String file = System.getProperty("clpool.test.evidence");
        if (file == null) {
            return;
        }
        try {
            Path p = Path.of(file);
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.writeString(p, device + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
