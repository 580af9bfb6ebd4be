package dev.clpool.plan;

import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated pyramid pooling of one input shape: one {@link PoolPlan} per level, each checked as a
 * pooling of its own would be. All levels share the input, so they share its planes.
 *
 * @param op the pyramid
 * @param inputShape the input's shape
 * @param levels the levels' plans, in the pyramid's order
 */
public record PyramidPlan(PyramidPool op, Shape inputShape, List<PoolPlan> levels) {

    public PyramidPlan {
        Objects.requireNonNull(op, "op");
        levels = List.copyOf(levels);
    }

    /**
     * Checks an input shape against every level, as PyTorch does for each pooling.
     *
     * @throws IllegalArgumentException naming the parameter and the value, as {@link PoolPlan#of} does
     */
    public static PyramidPlan of(Shape input, PyramidPool op) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(op, "op");
        List<PoolPlan> plans = new ArrayList<>();
        for (int i = 0; i < op.size(); i++) {
            plans.add(PoolPlan.of(input, op.level(i)));
        }
        return new PyramidPlan(op, input, plans);
    }

    /** The planes every level pools, e.g. {@code N * C}. */
    public long planes() {
        return levels.get(0).planes();
    }

    /** Cells in one input plane. */
    public long inputPlaneSize() {
        return levels.get(0).inputPlaneSize();
    }

    /** The levels' output cells per plane, summed. */
    public long outputPlaneSizes() {
        long n = 0;
        for (PoolPlan p : levels) {
            n = Math.addExact(n, p.outputPlaneSize());
        }
        return n;
    }

    /** True when no level has an output element: nothing to compute. */
    public boolean isEmpty() {
        return levels.stream().allMatch(PoolPlan::isEmpty);
    }
}
