package dev.clpool.op;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pyramid pooling: one adaptive pooling at several output sizes ("levels"), computed in one pass over
 * the input, as the pyramid pooling of PSPNet (sizes 1, 2, 3, 6) and SPP-net (1, 2, 4) needs. Level
 * {@code i} is exactly {@link #level(int) level(i)}, an {@link AdaptivePool}, on the same input: same
 * checks, same shapes, same bits.
 *
 * @param mode average or max, for every level
 * @param spatialRank 1, 2 or 3, for every level
 * @param outputSizes the levels' output sizes, in the order the results come back (at least one)
 * @param withIndices for max, whether each level carries int64 indices
 */
public record PyramidPool(PoolMode mode, int spatialRank, List<OutputSize> outputSizes, boolean withIndices) {

    public PyramidPool {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(outputSizes, "outputSizes");
        if (outputSizes.isEmpty()) {
            throw new IllegalArgumentException("outputSizes: a pyramid needs at least one level");
        }
        for (int i = 0; i < outputSizes.size(); i++) {
            Objects.requireNonNull(outputSizes.get(i), "outputSizes[" + i + "]");
        }
        outputSizes = List.copyOf(outputSizes);
        new AdaptivePool(mode, spatialRank, outputSizes.get(0), withIndices); // checks the rank and the indices flag
    }

    /** A pyramid of any mode and rank, e.g. {@code of(PoolMode.MAX, 3, true, OutputSize.of(1), OutputSize.of(2, 4, 4))}. */
    public static PyramidPool of(PoolMode mode, int spatialRank, boolean withIndices, OutputSize... levels) {
        return new PyramidPool(mode, spatialRank, List.of(levels), withIndices);
    }

    /** {@code adaptive_avg_pool2d} to square sizes, e.g. {@code avg2d(1, 2, 3, 6)} (PSPNet's pyramid). */
    public static PyramidPool avg2d(long... sizes) {
        return new PyramidPool(PoolMode.AVG, 2, squares(sizes), false);
    }

    /** {@code adaptive_max_pool2d} to square sizes, e.g. {@code max2d(true, 1, 2, 4)} (SPP-net's pyramid). */
    public static PyramidPool max2d(boolean withIndices, long... sizes) {
        return new PyramidPool(PoolMode.MAX, 2, squares(sizes), withIndices);
    }

    private static List<OutputSize> squares(long... sizes) {
        List<OutputSize> levels = new ArrayList<>();
        for (long s : sizes) {
            levels.add(OutputSize.of(s));
        }
        return levels;
    }

    /** How many levels. */
    public int size() {
        return outputSizes.size();
    }

    /** Level {@code i} as a pooling of its own. */
    public AdaptivePool level(int i) {
        return new AdaptivePool(mode, spatialRank, outputSizes.get(i), withIndices);
    }

    /** Every level as a pooling of its own, in order. */
    public List<AdaptivePool> levels() {
        List<AdaptivePool> ops = new ArrayList<>();
        for (int i = 0; i < outputSizes.size(); i++) {
            ops.add(level(i));
        }
        return ops;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("pyramid of adaptive_" + mode.label() + "_pool" + spatialRank + "d(output_size=");
        for (int i = 0; i < outputSizes.size(); i++) {
            b.append(i == 0 ? "" : " | ").append(outputSizes.get(i));
        }
        return b.append(withIndices ? ", return_indices=True)" : ")").toString();
    }
}
