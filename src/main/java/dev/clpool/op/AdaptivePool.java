package dev.clpool.op;

import java.util.Objects;

/**
 * One adaptive pooling operation, independent of its input: PyTorch's {@code adaptive_avg_pool1d/2d/3d}
 * or {@code adaptive_max_pool1d/2d/3d} with an {@code output_size}.
 *
 * @param mode average or max
 * @param spatialRank how many trailing dimensions are pooled: 1 ({@code (C, L)} / {@code (N, C, L)}),
 *     2 ({@code (C, H, W)} / {@code (N, C, H, W)}) or 3 ({@code (C, D, H, W)} / {@code (N, C, D, H, W)})
 * @param outputSize the output size, in PyTorch's forms
 * @param withIndices for max, whether the result carries the int64 index of each maximum
 *     ({@code return_indices=True})
 */
public record AdaptivePool(PoolMode mode, int spatialRank, OutputSize outputSize, boolean withIndices) {

    public AdaptivePool {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(outputSize, "outputSize");
        if (spatialRank < 1 || spatialRank > 3) {
            throw new IllegalArgumentException("spatialRank: 1-d, 2-d or 3-d pooling is supported, got " + spatialRank);
        }
        if (withIndices && mode != PoolMode.MAX) {
            throw new IllegalArgumentException("withIndices: only max pooling returns indices, mode is " + mode.label());
        }
    }

    /** {@code F.adaptive_avg_pool1d(x, outputSize)}: pools the last dimension of (C, L) or (N, C, L). */
    public static AdaptivePool avg1d(OutputSize outputSize) {
        return new AdaptivePool(PoolMode.AVG, 1, outputSize, false);
    }

    /**
     * {@code F.adaptive_max_pool1d(x, outputSize, return_indices=withIndices)}; an index is the position
     * {@code l} of the maximum along L.
     */
    public static AdaptivePool max1d(OutputSize outputSize, boolean withIndices) {
        return new AdaptivePool(PoolMode.MAX, 1, outputSize, withIndices);
    }

    /** {@code F.adaptive_avg_pool2d(x, outputSize)}. */
    public static AdaptivePool avg2d(OutputSize outputSize) {
        return new AdaptivePool(PoolMode.AVG, 2, outputSize, false);
    }

    /** {@code F.adaptive_max_pool2d(x, outputSize, return_indices=withIndices)}. */
    public static AdaptivePool max2d(OutputSize outputSize, boolean withIndices) {
        return new AdaptivePool(PoolMode.MAX, 2, outputSize, withIndices);
    }

    /** {@code F.adaptive_avg_pool3d(x, outputSize)}: pools the last three dimensions of (C, D, H, W) or (N, C, D, H, W). */
    public static AdaptivePool avg3d(OutputSize outputSize) {
        return new AdaptivePool(PoolMode.AVG, 3, outputSize, false);
    }

    /**
     * {@code F.adaptive_max_pool3d(x, outputSize, return_indices=withIndices)}; an index is flat within the
     * input's spatial volume, {@code (d * H + h) * W + w}, as PyTorch's.
     */
    public static AdaptivePool max3d(OutputSize outputSize, boolean withIndices) {
        return new AdaptivePool(PoolMode.MAX, 3, outputSize, withIndices);
    }

    /** {@code adaptive_avg_pool{spatialRank}d}, for code that chooses the rank at run time. */
    public static AdaptivePool avg(int spatialRank, OutputSize outputSize) {
        return new AdaptivePool(PoolMode.AVG, spatialRank, outputSize, false);
    }

    /** {@code adaptive_max_pool{spatialRank}d}, for code that chooses the rank at run time. */
    public static AdaptivePool max(int spatialRank, OutputSize outputSize, boolean withIndices) {
        return new AdaptivePool(PoolMode.MAX, spatialRank, outputSize, withIndices);
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
