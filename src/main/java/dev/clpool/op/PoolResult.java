package dev.clpool.op;

import dev.clpool.tensor.Tensor;
import java.util.Objects;
/**
 * What a pooling returns: the pooled values and, for max pooling with indices, the int64 index of each
 * maximum within its input's spatial volume ({@code l} for 1-d, {@code h * W + w} for 2-d,
 * {@code (d * H + h) * W + w} for 3-d; the same in every layout), shaped and laid out like the values.
 *
 * @param values the pooled values, in the input's dtype and layout
 * @param indices the indices, or {@code null} when they were not asked for
 */
public record PoolResult(Tensor values, Tensor indices) {
    public PoolResult {
        Objects.requireNonNull(values, "values");
    }

    public boolean hasIndices() {
        return indices != null;
    }
}
