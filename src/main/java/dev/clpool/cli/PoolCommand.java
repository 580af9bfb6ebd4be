package dev.clpool.cli;

import dev.clpool.AdaptivePool;
import dev.clpool.Clpool;
import dev.clpool.PoolMode;
import dev.clpool.PoolResult;
import dev.clpool.Tensor;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pool}: one pooling of a NumPy file, written as NumPy files. */
@Command(name = "pool", sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Pools a .npy file (or an .npz entry) and writes the result as .npy: values of the input's dtype (float16, "
                    + "bfloat16 bits with --dtype bfloat16, float32 or float64), rank and layout (--layout nhwc for (N, H, W, C) "
                    + "arrays), and for max the int64 index (h * W + w in the input plane) of each maximum.",
            "Outputs are written to a temporary file beside them and renamed into place: a failed run leaves no "
                    + "partial file and an existing output untouched.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool pool --mode avg --output-size 5,7 --input x.npy --output y.npy",
            "  clpool pool --mode max --output-size none,7 --input batch.npz --key x \\",
            "      --output y.npy --indices i.npy --device opencl",
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

    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "Where to write the pooled values.")
    private Path output;

    @Option(names = "--indices", paramLabel = "IDX.npy", description = "With --mode max: where to write the int64 indices.")
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
        TensorFiles.checkWritable(output, "--output");
        if (indices != null) {
            TensorFiles.checkWritable(indices, "--indices");
        }
        Tensor x = storage.load(input);
        AdaptivePool op = pooling.op(indices != null);
        PoolOptions.plan(x.shape(), op, input.name());

        PoolResult result;
        String where;
        try (Clpool clpool = device.open()) {
            where = clpool.device();
            result = clpool.pool(x, op);
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
}
