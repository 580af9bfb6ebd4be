package dev.clpool.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the {@code .cl} sources packaged with clpool (from {@code kernels/}), never from the working directory. */
final class KernelSources {
    private static final String ROOT = "/dev/clpool/opencl/kernels/";
    /** The files of the pooling program, in the order they are compiled together. */
    static final List<String> POOLING = List.of("common.cl", "cell_pool.cl", "plane_pool.cl", "tiled_pool.cl", "copy_pool.cl",
            "backward_pool.cl", "pyramid_pool.cl", "channels_last_pool.cl");

    private KernelSources() {
    }

    /** The files concatenated, each preceded by a {@code #line} so that build logs name the right file. */
    static String program(List<String> files) {
        StringBuilder source = new StringBuilder();
        for (String file : files) {
            source.append("#line 1 \"").append(file).append("\"\n")
                    .append(load(file)).append('\n');
        }
        return source.toString();
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
