package dev.clpool.cli;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PyramidPool;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.stream.HeapSink;
import dev.clpool.stream.StreamingPool;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pool}: one pooling of a NumPy file, or a pyramid of them, written as NumPy files. */
@Command(name = "pool", sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Pools a .npy file (or an .npz entry) and writes the result as .npy: values of the input's dtype (float16, "
                    + "bfloat16 bits with --dtype bfloat16, float32 or float64), rank and layout (--layout nhwc for (N, H, W, C) "
                    + "arrays), and for max the int64 index of each maximum, flat within the input's pooled axes "
                    + "(l for 1-d, h * W + w for 2-d, (d * H + h) * W + w for 3-d).",
            "Pyramid pooling: repeat --output-size (e.g. 1, 2, 3, 6 as in PSPNet) to pool to every size in one pass "
                    + "over the input; the levels are written to .npz archives (--output, and --indices for max) under "
                    + "the keys level0, level1, ... in the order given. An --output ending in .npz is an archive for a "
                    + "single size too. Pyramids take float32 NCHW input.",
            "Inputs of any size: the input is memory-mapped (inflated, for a compressed .npz entry) and pooled a chunk of "
                    + "whole planes at a time (--chunk-size), while the next chunk is read and the last written, so memory "
                    + "stays bounded; on a terminal, a progress bar on stderr shows bytes done, rate and ETA.",
            "Outputs are written as they are produced to a temporary file beside them and renamed into place at the end: "
                    + "a failed run leaves no partial file and an existing output untouched. Pyramid levels are held in "
                    + "memory (the input is still streamed) and written at the end.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool pool --mode avg --output-size 5,7 --input x.npy --output y.npy",
            "  clpool pool --mode max --output-size none,7 --input batch.npz --key x \\",
            "      --output y.npy --indices i.npy --device opencl",
            "  clpool pool --mode max --dims 3 --output-size 2,4,4 --input video.npy --output y.npy --indices i.npy",
            "  clpool pool --mode avg --dims 1 --output-size 16 --input signal.npy --output y.npy",
            "  clpool pool --mode avg --output-size 1 --output-size 2 --output-size 3 --output-size 6 \\",
            "      --input features.npy --output pyramid.npz",
            "  clpool pool --mode avg --output-size 7 --input nhwc_half.npy --layout nhwc --output y.npy",
            "  clpool pool --mode avg --output-size 1 --input bf16_bits.npy --dtype bfloat16 --output y.npy",
        })
final class PoolCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private PoolOptions pooling;

    @Mixin
    private InputOptions input;

    @Mixin
    private StorageOptions storage;

    @Option(names = "--output", required = true, paramLabel = "OUT.npy",
            description = "Where to write the pooled values: .npy, or .npz for a pyramid (keys level0, level1, ...).")
    private Path output;

    @Option(names = "--indices", paramLabel = "IDX.npy",
            description = "With --mode max: where to write the int64 indices (.npz for a pyramid, with --output's keys).")
    private Path indices;

    @Mixin
    private DeviceStreaming device;

    @Override
    public Integer call() throws Exception {
        PoolOptions.requireMax(spec.commandLine(), "--indices", indices, pooling.mode());
        if (indices != null && indices.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new ParameterException(spec.commandLine(), "--output and --indices name the same file: " + output);
        }
        boolean archive = pooling.levels() > 1 || isNpz(output);
        if (archive) {
            for (Path file : indices == null ? new Path[] {output} : new Path[] {output, indices}) {
                if (!isNpz(file)) {
                    throw new ParameterException(spec.commandLine(), (file == output ? "--output " : "--indices ") + file
                            + ": a pyramid (--output-size given " + pooling.levels() + " times) is written to an .npz archive;"
                            + " name a file ending in .npz");
                }
            }
        }
        TensorFiles.checkWritable(output, "--output");
        if (indices != null) {
            TensorFiles.checkWritable(indices, "--indices");
        }
        if (archive) {
            return pyramid();
        }
        try (InputFile x = storage.open(input)) {
            AdaptivePool op = pooling.op(indices != null);
            PoolPlan plan = PoolOptions.plan(x.shape(), op, input.name());
            String where = device.run(spec.commandLine().getErr(), (clpool, options) -> {
                StreamingPool.pool(clpool, op, x, OutputFile.opener(output), indices == null ? null : OutputFile.opener(indices),
                        options);
                return clpool.device() + Shares.of(clpool);
            });
            spec.commandLine().getOut().println(op + ": " + input.name() + " " + x.physicalShape() + StorageOptions.describe(x)
                    + " -> " + output + " " + x.layout().physicalShape(plan.outputShape())
                    + (indices != null ? " and " + indices + " (int64)" : "") + ", on " + where);
        }
        return ExitCodes.OK;
    }

    /**
     * Every --output-size in one pass, each level an array of the archives. The input is streamed; the levels
     * (an output size's cells per plane each) are held whole and written at the end.
     */
    private int pyramid() throws IOException {
        PyramidPool op = pooling.pyramid(indices != null);
        try (InputFile x = input.open()) {
            PyramidPlan plan = PoolOptions.plan(x.shape(), op, input.name());
            List<HeapSink> values = new ArrayList<>();
            List<HeapSink> idx = indices == null ? null : new ArrayList<>();
            for (int l = 0; l < plan.levels().size(); l++) {
                values.add(new HeapSink());
                if (idx != null) {
                    idx.add(new HeapSink());
                }
            }
            String where = device.run(spec.commandLine().getErr(), (clpool, options) -> {
                StreamingPool.pyramid(clpool, op, x, List.copyOf(values), idx == null ? null : List.copyOf(idx), options);
                return clpool.device() + Shares.of(clpool);
            });
            Map<String, Tensor> valueArrays = new LinkedHashMap<>();
            Map<String, Tensor> indexArrays = new LinkedHashMap<>();
            StringBuilder shapes = new StringBuilder();
            for (int l = 0; l < values.size(); l++) {
                valueArrays.put("level" + l, values.get(l).tensor());
                if (idx != null) {
                    indexArrays.put("level" + l, idx.get(l).tensor());
                }
                shapes.append(l == 0 ? "" : ", ").append("level").append(l).append(' ').append(plan.levels().get(l).outputShape());
            }
            TensorFiles.writeArchive(output, valueArrays);
            if (indices != null) {
                TensorFiles.writeArchive(indices, indexArrays);
            }
            spec.commandLine().getOut().println(op + ": " + input.name() + " " + x.shape() + " -> " + output + " (" + shapes + ")"
                    + (indices != null ? " and " + indices + " (int64)" : "") + ", on " + where);
        }
        return ExitCodes.OK;
    }

    private static boolean isNpz(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
    }
}
