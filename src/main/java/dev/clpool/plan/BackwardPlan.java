package dev.clpool.plan;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.Objects;

/**
 * A validated backward pass of one pooling: the gradient with respect to the input of an
 * {@code adaptive_{avg,max}_pool{1,2,3}d} of {@code inputShape}, from the gradient of its output.
 *
 * <p>Every path computes it as a gather, each input cell summing the contributions of the output cells
 * that reach it, so that no two work-items ever write one cell and the result is the same bits on every
 * run and every device:
 * <ul>
 *   <li>avg: input cell {@code i} sums {@code gradOutput[o] / kd / kh / kw} over the output cells
 *       {@code o} whose bins contain it ({@code k*} the bin's lengths, divided in turn as PyTorch's
 *       {@code grad_delta});</li>
 *   <li>max: input cell {@code i} sums {@code gradOutput[o]} over the output cells whose index is
 *       {@code i}.</li>
 * </ul>
 * Both sum from +0 in row-major order of {@code o}: the order in which libtorch's CPU kernels scatter
 * ({@code grad_input[...] += ...} over the output cells in order), so the sums are libtorch's own.
 *
 * <p>The output cells whose bins contain input cell {@code i} of an axis are a run
 * {@code [covering.start(i), covering.end(i))}: PyTorch's bin formulas with the input and output sizes
 * swapped (see {@link #covering(AxisBins)}).
 *
 * @param forward the forward pooling's plan (input and output shapes, bins)
 * @param depth the output cells covering each input position along D
 * @param height the output cells covering each input position along H
 * @param width the output cells covering each input position along W
 */
public record BackwardPlan(PoolPlan forward, AxisBins depth, AxisBins height, AxisBins width) {
    /** Indices read and checked at a time. */
    private static final int CHECKED_AT_ONCE = 1 << 16;


    public BackwardPlan {
        Objects.requireNonNull(forward, "forward");
    }

    /**
     * Checks a backward pass as the forward pass is checked (PyTorch's rules for the input shape and
     * output size), and that {@code gradOutputShape} is the forward pass's output shape.
     *
     * @throws IllegalArgumentException naming the parameter and the value
     */
    public static BackwardPlan of(Shape inputShape, AdaptivePool op, Shape gradOutputShape) {
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(gradOutputShape, "gradOutput");
        PoolPlan forward = PoolPlan.of(inputShape, op);
        if (!forward.outputShape().equals(gradOutputShape)) {
            throw new IllegalArgumentException("gradOutput: shape " + gradOutputShape + " is not the output shape "
                    + forward.outputShape() + " of " + op + " of an input shaped " + inputShape);
        }
        return new BackwardPlan(forward, covering(forward.depth()), covering(forward.height()), covering(forward.width()));
    }

    /**
     * For each input position {@code i} of an axis, the output cells whose bins contain it: those
     * {@code o} with {@code start(o) <= i < end(o)}, which are {@code floor(i * O / I) <= o <
     * ceil((i + 1) * O / I)} (from {@code floor(o * I / O) <= i <=> o < (i + 1) * O / I} and
     * {@code ceil((o + 1) * I / O) > i <=> o >= floor(i * O / I)}): the bins of pooling O cells to I,
     * so {@link AxisBins} computes them, exactly. An axis with no output cells covers nothing.
     */
    public static AxisBins covering(AxisBins forward) {
        return new AxisBins(forward.outputSize(), forward.inputSize());
    }

    /** The first output cell whose bin contains input position {@code i}, 0 for an axis of no output cells. */
    public static long firstCovering(AxisBins covering, long i) {
        return covering.inputSize() == 0 ? 0 : covering.start(i);
    }

    /** One past the last output cell whose bin contains input position {@code i}. */
    public static long endCovering(AxisBins covering, long i) {
        return covering.inputSize() == 0 ? 0 : covering.end(i);
    }

    public AdaptivePool op() {
        return forward.op();
    }

    public Shape inputShape() {
        return forward.inputShape();
    }

    public Shape gradOutputShape() {
        return forward.outputShape();
    }

    /** True when there is nothing to sum: no output cells (the gradient is all zeros) or no input cells. */
    public boolean isTrivial() {
        return forward.isEmpty() || forward.inputShape().elementCount() == 0;
    }

    /**
     * Checks max indices ({@code indices}, int64, C order, shaped as the output; any storage) before any device
     * work: each must lie in the bin of its output cell, as every index a max pooling returns does. A gather finds
     * an input cell's gradient only among the output cells whose bins contain it, so an index elsewhere
     * would be lost where PyTorch's scatter would add it: refused instead.
     *
     * @param firstElement where {@code indices} starts in the whole tensor it is a part of (whole planes), for the message
     * @throws IllegalArgumentException naming the first index outside its bin
     */
    public void checkIndices(Tensor indices, long firstElement) {
        if (forward.op().mode() != PoolMode.MAX) {
            throw new IllegalStateException("only max pooling has indices");
        }
        AxisBins d = forward.depth();
        AxisBins h = forward.height();
        AxisBins w = forward.width();
        long ih = h.inputSize();
        long iw = w.inputSize();
        long outPlane = forward.outputPlaneSize();
        long oh = h.outputSize();
        long ow = w.outputSize();
        long[][] tables = {d.starts(), d.ends(), h.starts(), h.ends(), w.starts(), w.ends()};
        long[] block = new long[(int) Math.min(indices.elementCount(), CHECKED_AT_ONCE)];
        for (long at = 0; at < indices.elementCount(); at += block.length) {
            int n = (int) Math.min(block.length, indices.elementCount() - at);
            indices.readLongs(at, block, 0, n);
            for (int j = 0; j < n; j++) {
                long k = at + j;
                long o = k % outPlane;
                long cw = o % ow;
                long ch = o / ow % oh;
                long cd = o / ow / oh;
                long i = block[j];
                long id = i / (ih * iw);
                long rest = i % (ih * iw);
                boolean inside = i >= 0 && i < forward.inputPlaneSize()
                        && id >= tables[0][(int) cd] && id < tables[1][(int) cd]
                        && rest / iw >= tables[2][(int) ch] && rest / iw < tables[3][(int) ch]
                        && rest % iw >= tables[4][(int) cw] && rest % iw < tables[5][(int) cw];
                if (!inside) {
                    throw new IllegalArgumentException("indices: element " + (firstElement + k) + " is " + i + ", outside the bin"
                            + " of its output cell (" + describeBin(tables, cd, ch, cw, ih, iw) + "); max indices must be those of"
                            + " this pooling's forward pass");
                }
            }
        }
    }

    /** {@code "h in [0, 2), w in [3, 5) of a 4 x 6 plane (index h * 6 + w)"}, or with l or d, h, w. */
    private String describeBin(long[][] t, long cd, long ch, long cw, long ih, long iw) {
        int rank = forward.op().spatialRank();
        String[] names = rank == 1 ? new String[] {"", "", "l"} : new String[] {"d", "h", "w"};
        long[] cells = {cd, ch, cw};
        StringBuilder b = new StringBuilder();
        for (int a = 3 - rank; a < 3; a++) {
            b.append(a > 3 - rank ? ", " : "").append(names[a]).append(" in [").append(t[2 * a][(int) cells[a]])
                    .append(", ").append(t[2 * a + 1][(int) cells[a]]).append(")");
        }
        return b.append(switch (rank) {
            case 1 -> "";
            case 2 -> " of a " + ih + " x " + iw + " plane (index h * " + iw + " + w)";
            default -> " of a " + forward.depth().inputSize() + " x " + ih + " x " + iw + " volume (index (d * " + ih
                    + " + h) * " + iw + " + w)";
        }).toString();
    }
}
