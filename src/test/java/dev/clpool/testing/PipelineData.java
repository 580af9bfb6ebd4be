package dev.clpool.testing;

import dev.clpool.npy.Npy;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * test-data/onnx-pipeline: the split CNN and PyTorch's outputs for each case (scripts/onnx-pipeline), for the
 * integrations' tests, whose build names the folder ({@code clpool.pipeline.data}; by default as seen from
 * {@code integrations/<module>}).
 */
public final class PipelineData {
    public static final Path DIR = Path.of(System.getProperty("clpool.pipeline.data", "../../test-data/onnx-pipeline"));

    private PipelineData() {
    }

    /** The case numbers: every {@code input-<i>.npy}. */
    public static IntStream cases() {
        return IntStream.iterate(0, i -> Files.exists(DIR.resolve("input-" + i + ".npy")), i -> i + 1);
    }

    /** {@code <name>-<i>.npy}, e.g. {@code read("max-indices", 2)}. */
    public static Tensor read(String name, int i) {
        try {
            return Npy.read(DIR.resolve(name + "-" + i + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
