package dev.clpool.cli;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PyramidPool;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.tensor.Shape;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/** {@code --mode avg|max [--dims 1|2|3] --output-size SPEC [--output-size SPEC ...]}: which pooling to run. */
final class PoolOptions {
    static final String DIMS_DESCRIPTION = "How many trailing dimensions are pooled: 1 (adaptive_*_pool1d of (C, L) or "
            + "(N, C, L)), 2 (adaptive_*_pool2d of (C, H, W) or (N, C, H, W); the default) or 3 (adaptive_*_pool3d of "
            + "(C, D, H, W) or (N, C, D, H, W)). A rank alone cannot tell: a 3-d tensor is an unbatched 2-d input or a "
            + "batched 1-d one.";

    @Option(names = "--mode", required = true, paramLabel = "avg|max", converter = Converters.Mode.class,
            description = "avg: adaptive_avg_pool{1,2,3}d; max: adaptive_max_pool{1,2,3}d.")
    private PoolMode mode;

    @Option(names = "--dims", paramLabel = "1|2|3", defaultValue = "2", description = DIMS_DESCRIPTION)
    private int dims;

    @Option(names = "--output-size", required = true, paramLabel = "SPEC", converter = Converters.AnySize.class,
            description = "PyTorch's output_size: 7 (7 on every pooled axis), or one size per axis (--dims of them: 9 for "
                    + "1-d, 5,7 for 2-d, 2,5,7 for 3-d), where none keeps the input's size (none,7 / 5,none).")
    private List<OutputSize> outputSizes;

    PoolMode mode() {
        return mode;
    }

    /** How many sizes --output-size was given: more than one asks for a pyramid. */
    int levels() {
        return outputSizes.size();
    }

    /** The operation, with int64 indices when {@code withIndices} (max only); refuses several --output-size. */
    AdaptivePool op(boolean withIndices) {
        if (outputSizes.size() > 1) {
            throw new BadInputException("--output-size: given " + outputSizes.size() + " times; only pool takes several"
                    + " (a pyramid, written to an .npz archive)");
        }
        return new AdaptivePool(mode, checkedDims(dims), checked(outputSizes.get(0), dims), withIndices);
    }

    /** Every --output-size as a level of one pyramid. */
    PyramidPool pyramid(boolean withIndices) {
        int rank = checkedDims(dims);
        return new PyramidPool(mode, rank, outputSizes.stream().map(size -> checked(size, rank)).toList(), withIndices);
    }

    /** {@code --dims}: 1, 2 or 3. */
    static int checkedDims(int dims) {
        if (dims < 1 || dims > 3) {
            throw new BadInputException("--dims: expected 1, 2 or 3, got " + dims);
        }
        return dims;
    }

    /** An --output-size for {@code dims}-d pooling: one entry or one per pooled axis, named as PyTorch would refuse it. */
    static OutputSize checked(OutputSize size, int dims) {
        if (size.arity() != 1 && size.arity() != dims) {
            throw new BadInputException("--output-size " + size + ": expected " + (dims == 1 ? "1 size" : "1 or " + dims + " sizes")
                    + " for " + dims + "-d pooling (--dims " + dims + "), got " + size.arity());
        }
        return size;
    }

    /** Refuses {@code option}, one of int64 indices ({@code --indices}, {@code --expected-indices}), given without --mode max. */
    static void requireMax(CommandLine commandLine, String option, Object value, PoolMode mode) {
        if (value != null && mode != PoolMode.MAX) {
            throw new ParameterException(commandLine, option + " needs --mode max (average pooling has no indices)");
        }
    }

    /**
     * Checks an input shape as PyTorch does (the rank, no empty non-batch dimension) before any device
     * is opened.
     */
    static PoolPlan plan(Shape input, AdaptivePool op, String inputName) {
        try {
            return PoolPlan.of(input, op);
        } catch (IllegalArgumentException e) {
            throw badInput(inputName, e);
        }
    }

    /** Checks an input shape against every level of a pyramid. */
    static PyramidPlan plan(Shape input, PyramidPool op, String inputName) {
        try {
            return PyramidPlan.of(input, op);
        } catch (IllegalArgumentException e) {
            throw badInput(inputName, e);
        }
    }

    static BadInputException badInput(String inputName, IllegalArgumentException e) {
        String m = e.getMessage();
        return new BadInputException("--input " + inputName + ": " + (m.startsWith("input: ") ? m.substring(7) : m), e);
    }
}
