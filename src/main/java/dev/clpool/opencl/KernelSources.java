package dev.clpool.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the {@code .cl} sources packaged with clpool (from {@code kernels/}), never from the working directory. */
final class KernelSources {
    static final String ROOT = "/dev/clpool/opencl/kernels/";
    /** The pooling kernels of every storage type's programs, in the order they are compiled together. */
    static final List<String> POOLING = List.of("common.cl", "copy.cl", "cell.cl", "planes.cl", "channels_last.cl", "tiled.cl",
            "segments.cl");
    /** What float32 programs hold besides: pyramids and backward passes take float32 alone. */
    static final List<String> FLOAT32_ONLY = List.of("pyramid.cl", "backward.cl");

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
