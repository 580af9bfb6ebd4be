package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.stream.ChunkBuffer;
import dev.clpool.stream.ChunkStream;
import dev.clpool.stream.StreamOptions;
import dev.clpool.stream.StreamingPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code backward}: the gradient of a pooling with respect to its input, from the gradient of its output. */
@Command(name = "backward", sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Computes what PyTorch's autograd gives for adaptive_{avg,max}_pool{1,2,3}d: the gradient with respect to "
                    + "the input (float32, the input's shape) from --grad, the gradient with respect to the output "
                    + "(float32, the output's shape, which gives the output size).",
            "avg: each input cell gets the sum of grad / kd / kh / kw over the output cells whose bins contain it. "
                    + "max: each input cell gets the sum of grad over the output cells whose max index is that cell: "
                    + "the int64 indices of the forward pass (pool --indices), or, with --input, computed here.",
            "Both are gathers (each input cell sums its own contributions in a fixed order), so the result is the same "
                    + "bits on every run and device: libtorch CPU's result, unlike CUDA's atomic adds.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool backward --mode avg --input-shape 2,64,10,9 --grad g.npy --output dx.npy",
            "  clpool backward --mode max --input-shape 2,64,10,9 --grad g.npy --indices i.npy --output dx.npy",
            "  clpool backward --mode max --dims 3 --input video.npy --grad g.npy --output dx.npy --device opencl",
        })
final class BackwardCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--mode", required = true, paramLabel = "avg|max", converter = Converters.Mode.class,
            description = "The forward pooling: avg or max.")
    private PoolMode mode;

    @Option(names = "--dims", paramLabel = "1|2|3", defaultValue = "2", description = PoolOptions.DIMS_DESCRIPTION)
    private int dims;

    static final class Input {
        @Option(names = "--input-shape", required = true, paramLabel = "N,C,H,W", converter = Converters.ShapeList.class,
                description = "The forward input's shape.")
        Shape shape;

        @ArgGroup(exclusive = false)
        ForwardInput file;
    }

    static final class ForwardInput {
        @Option(names = "--input", required = true, paramLabel = "IN",
                description = "The forward input (float32 .npy, or .npz with --key): its shape, and for max without "
                        + "--indices, the input to compute the indices from.")
        Path file;

        @Option(names = "--key", paramLabel = "NAME", description = "The array of an .npz --input.")
        String key;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Input input;

    @Option(names = "--grad", required = true, paramLabel = "G.npy",
            description = "The gradient with respect to the output: float32 (<f4), the output's shape.")
    private Path grad;

    @Option(names = "--indices", paramLabel = "IDX.npy",
            description = "With --mode max: the forward pass's int64 (<i8) indices, the output's shape.")
    private Path indices;

    @Option(names = "--output-size", paramLabel = "SPEC", converter = Converters.AnySize.class,
            description = "The forward output size, as pool takes it; optional: checked against --grad's shape, which "
                    + "gives it otherwise.")
    private OutputSize outputSize;

    @Option(names = "--output", required = true, paramLabel = "GRAD.npy", description = "Where to write the input's gradient.")
    private Path output;

    @Mixin
    private DeviceStreaming device;

    @Override
    public Integer call() throws Exception {
        PoolOptions.requireMax(spec.commandLine(), "--indices", indices, mode);
        if (mode == PoolMode.MAX && indices == null && input.file == null) {
            throw new ParameterException(spec.commandLine(), "--mode max needs the forward pass's --indices, or the --input to"
                    + " compute them from");
        }
        PoolOptions.checkedDims(dims);
        if (outputSize != null) {
            PoolOptions.checked(outputSize, dims);
        }
        TensorFiles.checkWritable(output, "--output");
        try (InputFile g = TensorFiles.open(grad, null, DType.FLOAT32, "--grad");
             InputFile x = input.file == null ? null : TensorFiles.open(input.file.file, input.file.key, DType.FLOAT32, "--input")) {
            Shape inputShape = x != null ? x.shape() : input.shape;
            String inputName = x != null ? TensorFiles.name(input.file.file, input.file.key) : "--input-shape " + inputShape;
            Shape gradShape = g.shape();
            if (gradShape.rank() < dims + 1) {
                throw new BadInputException("--grad " + grad + ": shape " + gradShape + " has fewer than " + (dims + 1)
                        + " dimensions, too few for " + dims + "-d pooling");
            }
            long[] gradSpatial = Arrays.copyOfRange(gradShape.toArray(), gradShape.rank() - dims, gradShape.rank());
            AdaptivePool op = new AdaptivePool(mode, dims, outputSize != null ? outputSize : OutputSize.of(gradSpatial),
                    mode == PoolMode.MAX);
            try {
                BackwardPlan.of(inputShape, op, gradShape);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new BadInputException(m.startsWith("gradOutput: ") ? "--grad " + grad + ": " + m.substring(12)
                        : m.startsWith("input: ") ? inputName + ": " + m.substring(7) : inputName + ": " + m, e);
            }
            try (InputFile idx = indices == null ? null : TensorFiles.open(indices, null, DType.INT64, "--indices")) {
                if (idx != null && !idx.shape().equals(gradShape)) {
                    throw new BadInputException("--indices " + indices + ": shape " + idx.shape() + " is not --grad's " + gradShape);
                }
                String where;
                try {
                    where = device.run(spec.commandLine().getErr(), (clpool, options) -> {
                        if (mode == PoolMode.MAX && idx == null) {
                            backwardFromInput(clpool, op, x, g, options);
                        } else {
                            StreamingPool.backward(clpool, op, inputShape, g, idx, OutputFile.opener(output), options);
                        }
                        return clpool.device();
                    });
                } catch (IllegalArgumentException e) {
                    if (e.getMessage().startsWith("indices: ")) {
                        throw new BadInputException("--indices " + indices + ": " + e.getMessage().substring(9), e);
                    }
                    throw e;
                }
                spec.commandLine().getOut().println(op.torchName() + " backward: " + grad + " " + gradShape + " -> " + output + " "
                        + inputShape + (idx == null && mode == PoolMode.MAX ? " (indices from " + inputName + ")" : "") + ", on "
                        + where);
            }
        }
        return ExitCodes.OK;
    }

    /** Max pooling's gradient with its indices computed here, chunk by chunk, from the forward input. */
    private void backwardFromInput(Clpool clpool, AdaptivePool op, InputFile x, InputFile g, StreamOptions options)
            throws IOException {
        ChunkBuffer values = new ChunkBuffer();
        ChunkBuffer indices = new ChunkBuffer();
        ChunkStream.Output dx = new ChunkStream.Output("gradInput", DType.FLOAT32, x.shape(), Layout.CONTIGUOUS,
                OutputFile.opener(output));
        ChunkStream.run(op.spatialRank(), List.of(x, g), List.of(dx), (chunk, in, out) -> {
            Tensor part = in.get(0);
            Tensor gradPart = in.get(1);
            Tensor v = values.tensor(DType.FLOAT32, gradPart.shape(), Layout.CONTIGUOUS);
            Tensor i = indices.tensor(DType.INT64, gradPart.shape(), Layout.CONTIGUOUS);
            clpool.poolInto(part, op, v, i);
            clpool.backwardInto(op, part.shape(), gradPart, i, out.get(0));
        }, options);
    }
}
