package dev.clpool.plan;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;

/**
 * A validated pooling of one input shape: the output shape and the bins of each spatial axis. Every
 * path (Java, OpenCL) executes plans, so PyTorch's checks live here, once.
 *
 * <p>Inputs are seen as {@code planes} independent planes (the product of the leading, non-spatial
 * dimensions) of {@code depth x height x width} cells; axes a pooling does not have are identity axes
 * of size 1, so that one kernel shape serves 1-d, 2-d and 3-d.
 *
 * @param op the operation
 * @param inputShape the input's shape
 * @param outputShape the output's shape: the input's leading dimensions, then the output sizes
 * @param planes the number of planes, e.g. {@code N * C}
 * @param depth bins along D (identity of size 1 below 3-d)
 * @param height bins along H (identity of size 1 below 2-d)
 * @param width bins along W
 */
public record PoolPlan(AdaptivePool op, Shape inputShape, Shape outputShape, long planes,
                       AxisBins depth, AxisBins height, AxisBins width) {

    /**
     * Checks an input shape against an operation, as PyTorch does, and plans the bins.
     *
     * @throws IllegalArgumentException naming the parameter and the value: wrong rank, an empty
     *     non-batch dimension, an output size of the wrong arity or negative, an element count that
     *     overflows 64 bits
     */
    public static PoolPlan of(Shape input, AdaptivePool op) {
        int spatial = op.spatialRank();
        int rank = input.rank();
        if (rank != spatial + 1 && rank != spatial + 2) {
            throw new IllegalArgumentException("input: " + op.torchName() + " expects a " + (spatial + 1) + "-d "
                    + layoutName(spatial, false) + " or " + (spatial + 2) + "-d " + layoutName(spatial, true)
                    + " tensor, got shape " + input + " (rank " + rank + ")");
        }
        // PyTorch's own checks differ by operation (libtorch 2.7.1): adaptive_avg_pool2d needs non-empty
        // H and W only, and adaptive_avg_pool1d, which is avg_pool2d of x.unsqueeze(-2), non-empty L only;
        // adaptive_max_pool1d/2d/3d and adaptive_avg_pool3d need every dimension after the first non-empty
        // (so a batched one refuses C = 0, an unbatched one allows it).
        int firstChecked = op.mode() == PoolMode.AVG && spatial <= 2 ? rank - spatial : 1;
        for (int i = firstChecked; i < rank; i++) {
            if (input.dim(i) == 0) {
                throw new IllegalArgumentException("input: " + op.torchName() + " expects non-zero sizes for non-batch"
                        + " dimensions, but shape " + input + " has dimension " + i + " empty");
            }
        }
        input.elementCount(); // refuses a shape whose element count overflows
        long[] inSpatial = Arrays.copyOfRange(input.toArray(), rank - spatial, rank);
        long[] outSpatial = op.outputSize().resolve(inSpatial);
        Shape output = input.withTail(rank - spatial, outSpatial);
        long planes = input.product(0, rank - spatial);
        checkOutputCount(output, op);

        AxisBins[] axes = new AxisBins[3];
        for (int a = 0; a < 3; a++) {
            int k = a - (3 - spatial);
            axes[a] = k < 0 ? new AxisBins(1, 1) : new AxisBins(inSpatial[k], outSpatial[k]);
        }
        return new PoolPlan(op, input, output, planes, axes[0], axes[1], axes[2]);
    }

    private static void checkOutputCount(Shape output, AdaptivePool op) {
        long n = 1;
        for (int i = 0; i < output.rank(); i++) {
            try {
                n = Math.multiplyExact(n, output.dim(i));
            } catch (ArithmeticException e) {
                StringBuilder product = new StringBuilder();
                for (int j = 0; j < output.rank(); j++) {
                    product.append(j == 0 ? "" : " * ").append(output.dim(j));
                }
                throw new IllegalArgumentException("outputSize " + op.outputSize() + ": the output would have "
                        + product + " elements, more than a 64-bit count holds", e);
            }
        }
    }

    private static String layoutName(int spatial, boolean batched) {
        String axes = switch (spatial) {
            case 1 -> "L";
            case 2 -> "H, W";
            default -> "D, H, W";
        };
        return (batched ? "(N, C, " : "(C, ") + axes + ")";
    }

    /** Cells in one input plane. */
    public long inputPlaneSize() {
        return depth.inputSize() * height.inputSize() * width.inputSize();
    }

    /** Cells in one output plane. */
    public long outputPlaneSize() {
        return depth.outputSize() * height.outputSize() * width.outputSize();
    }

    /** Elements of the output tensor. */
    public long outputElements() {
        return planes * outputPlaneSize();
    }

    /**
     * The output's element count as a Java array length.
     *
     * @throws IllegalArgumentException naming the output size and shape when a Java array cannot hold it
     */
    public int outputArrayLength() {
        long n = outputElements();
        if (n > Tensor.MAX_ELEMENTS) {
            throw new IllegalArgumentException("outputSize " + op.outputSize() + ": the output " + outputShape
                    + " would have " + n + " elements, more than a Java array holds (" + Tensor.MAX_ELEMENTS + ")");
        }
        return (int) n;
    }

    /**
     * The bins of the three axes in one table, as the OpenCL kernels read them (common.cl): for D, H and
     * W in turn, the starts of every output cell, then their ends.
     */
    public long[] binTable() {
        AxisBins[] axes = {depth, height, width};
        int length = 0;
        for (AxisBins a : axes) {
            length = Math.addExact(length, Math.multiplyExact(2, Math.toIntExact(a.outputSize())));
        }
        long[] table = new long[length];
        int at = 0;
        for (AxisBins a : axes) {
            long[] starts = a.starts();
            long[] ends = a.ends();
            System.arraycopy(starts, 0, table, at, starts.length);
            System.arraycopy(ends, 0, table, at + starts.length, ends.length);
            at += starts.length + ends.length;
        }
        return table;
    }

    /** True when every axis keeps its size: each bin is one cell, pooling is a copy. */
    public boolean isIdentity() {
        return depth.isIdentity() && height.isIdentity() && width.isIdentity();
    }

    /** True when the output has no elements (N = 0, or a zero output size): nothing to compute. */
    public boolean isEmpty() {
        return outputElements() == 0;
    }
}
