package dev.clpool.spark;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import java.io.Serializable;

/**
 * A 2-d adaptive pooling as tasks receive it (the core's {@link AdaptivePool} is not serializable).
 *
 * @param mode avg or max
 * @param outputSize PyTorch's output_size as written: {@code 7}, {@code 5,7}, {@code none,7}
 * @param withIndices whether the int64 indices are wanted (max only: the caller checks)
 */
record PoolSpec(PoolMode mode, String outputSize, boolean withIndices) implements Serializable {
    /**
     * Checks the text forms, naming {@code modeName} or {@code sizeName} and the value when one is wrong.
     *
     * @throws IllegalArgumentException for a mode other than avg or max, or a size PyTorch's 2-d pooling does not take
     */
    static PoolSpec parse(String mode, String outputSize, boolean withIndices, String modeName, String sizeName) {
        PoolMode m;
        try {
            m = PoolMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modeName + ": expected avg or max, got '" + mode + "'", e);
        }
        OutputSize size;
        try {
            size = OutputSize.parse(outputSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(sizeName + ": " + e.getMessage(), e);
        }
        if (size.arity() > 2) {
            throw new IllegalArgumentException(sizeName + " '" + outputSize + "': expected 1 or 2 sizes (H, W), got " + size.arity());
        }
        return new PoolSpec(m, outputSize, withIndices);
    }

    AdaptivePool op() {
        OutputSize size = OutputSize.parse(outputSize);
        return mode == PoolMode.MAX ? AdaptivePool.max2d(size, withIndices) : AdaptivePool.avg2d(size);
    }
}
