package dev.clpool.cli;

import dev.clpool.op.AdaptivePool;
import dev.clpool.Clpool;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Tensor;
import dev.clpool.op.PyramidPool;
import java.io.IOException;
import java.nio.file.Path;
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
            "Outputs are written to a temporary file beside them and renamed into place: a failed run leaves no "
                    + "partial file and an existing output untouched.",
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
    private DeviceOption device;

    @Override
    public Integer call() throws Exception {
        if (indices != null && pooling.mode() != PoolMode.MAX) {
            throw new ParameterException(spec.commandLine(), "--indices needs --mode max (average pooling has no indices)");
        }
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
        Tensor x = storage.load(input);
        AdaptivePool op = pooling.op(indices != null);
        PoolOptions.plan(x.shape(), op, input.name());

        PoolResult result;
        String where;
        try (Clpool clpool = device.open()) {
            result = clpool.pool(x, op);
            where = clpool.device() + Shares.of(clpool);
        }
        TensorFiles.write(output, result.values());
        if (indices != null) {
            TensorFiles.write(indices, result.indices());
        }
        spec.commandLine().getOut().println(op + ": " + input.name() + " " + x.physicalShape() + StorageOptions.describe(x)
                + " -> " + output + " " + result.values().physicalShape() + (indices != null ? " and " + indices + " (int64)" : "")
                + ", on " + where);
        return ExitCodes.OK;
    }

    /** Every --output-size in one pass, each level an array of the archives. */
    private int pyramid() throws IOException {
        PyramidPool op = pooling.pyramid(indices != null);
        Tensor x = input.load();
        PoolOptions.plan(x.shape(), op, input.name());
        List<PoolResult> levels;
        String where;
        try (Clpool clpool = device.open()) {
            levels = clpool.pyramid(x, op);
            where = clpool.device() + Shares.of(clpool);
        }
        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, Tensor> idx = new LinkedHashMap<>();
        StringBuilder shapes = new StringBuilder();
        for (int l = 0; l < levels.size(); l++) {
            values.put("level" + l, levels.get(l).values());
            if (indices != null) {
                idx.put("level" + l, levels.get(l).indices());
            }
            shapes.append(l == 0 ? "" : ", ").append("level").append(l).append(' ').append(levels.get(l).values().shape());
        }
        TensorFiles.writeArchive(output, values);
        if (indices != null) {
            TensorFiles.writeArchive(indices, idx);
        }
        spec.commandLine().getOut().println(op + ": " + input.name() + " " + x.shape() + " -> " + output + " (" + shapes + ")"
                + (indices != null ? " and " + indices + " (int64)" : "") + ", on " + where);
        return ExitCodes.OK;
    }

    private static boolean isNpz(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
    }
}
