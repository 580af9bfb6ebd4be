package dev.clpool.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the {@code .cl} sources packaged with clpool (from {@code kernels/}), never from the working directory. */
final class KernelSources {
    private static final String ROOT = "/dev/clpool/opencl/kernels/";

    private KernelSources() {
    }

    static String load(String fileName) {
        try (InputStream in = KernelSources.class.getResourceAsStream(ROOT + fileName)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + fileName + " is missing from the classpath ("
                        + ROOT + fileName + "); the jar is incomplete");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + fileName, e);
        }
    }
}
