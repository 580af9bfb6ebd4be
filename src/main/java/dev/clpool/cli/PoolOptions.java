package dev.clpool.cli;

import dev.clpool.AdaptivePool;
import dev.clpool.OutputSize;
import dev.clpool.PoolMode;
import dev.clpool.Shape;
import dev.clpool.plan.PoolPlan;
import picocli.CommandLine.Option;

/** {@code --mode avg|max --output-size SPEC}: which pooling to run. */
final class PoolOptions {
    @Option(names = "--mode", required = true, paramLabel = "avg|max", converter = Converters.Mode.class,
            description = "avg: adaptive_avg_pool2d; max: adaptive_max_pool2d.")
    private PoolMode mode;

    @Option(names = "--output-size", required = true, paramLabel = "SPEC", converter = Converters.Size.class,
            description = "PyTorch's output_size: 7 (7x7), 5,7, or none,7 / 5,none where none keeps the input's size.")
    private OutputSize outputSize;

    PoolMode mode() {
        return mode;
    }

    /** The operation, with int64 indices when {@code withIndices} (max only). */
    AdaptivePool op(boolean withIndices) {
        return new AdaptivePool(mode, 2, outputSize, withIndices);
    }

    /**
     * Checks an input shape as PyTorch does (rank 3 or 4, no empty non-batch dimension) before any device
     * is opened.
     */
    static PoolPlan plan(Shape input, AdaptivePool op, String inputName) {
        try {
            return PoolPlan.of(input, op);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new BadInputException("--input " + inputName + ": " + (m.startsWith("input: ") ? m.substring(7) : m), e);
        }
    }
}
