package dev.clpool;

import java.util.Objects;

/**
 * One adaptive pooling operation, independent of its input: PyTorch's {@code adaptive_avg_pool2d} or
 * {@code adaptive_max_pool2d} with an {@code output_size}.
 *
 * @param mode average or max
 * @param spatialRank how many trailing dimensions are pooled (2 for the 2-d poolings)
 * @param outputSize the output size, in PyTorch's forms
 * @param withIndices for max, whether the result carries the int64 index of each maximum
 *     ({@code return_indices=True})
 */
public record AdaptivePool(PoolMode mode, int spatialRank, OutputSize outputSize, boolean withIndices) {

    public AdaptivePool {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(outputSize, "outputSize");
        if (spatialRank != 2) {
            throw new IllegalArgumentException("spatialRank: only 2-d pooling is supported, got " + spatialRank);
        }
        if (withIndices && mode != PoolMode.MAX) {
            throw new IllegalArgumentException("withIndices: only max pooling returns indices, mode is " + mode.label());
        }
    }

    /** {@code F.adaptive_avg_pool2d(x, outputSize)}. */
    public static AdaptivePool avg2d(OutputSize outputSize) {
        return new AdaptivePool(PoolMode.AVG, 2, outputSize, false);
    }

    /** {@code F.adaptive_max_pool2d(x, outputSize, return_indices=withIndices)}. */
    public static AdaptivePool max2d(OutputSize outputSize, boolean withIndices) {
        return new AdaptivePool(PoolMode.MAX, 2, outputSize, withIndices);
    }

    /** The PyTorch name of this operation, for messages. */
    public String torchName() {
        return "adaptive_" + mode.label() + "_pool" + spatialRank + "d";
    }

    @Override
    public String toString() {
        return torchName() + "(output_size=" + outputSize + (withIndices ? ", return_indices=True)" : ")");
    }
}
