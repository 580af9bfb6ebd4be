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
            "Pools a float32 .npy file (or an .npz entry) and writes the result as .npy: float32 values with the "
                    + "input's rank, and for max the int64 index (h * W + w in the input plane) of each maximum.",
            "Outputs are written to a temporary file beside them and renamed into place: a failed run leaves no "
                    + "partial file and an existing output untouched.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool pool --mode avg --output-size 5,7 --input x.npy --output y.npy",
            "  clpool pool --mode max --output-size none,7 --input batch.npz --key x \\",
            "      --output y.npy --indices i.npy --device opencl",
        })
final class PoolCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private PoolOptions pooling;

    @Mixin
    private InputOptions input;

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
        Tensor x = input.load();
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
        spec.commandLine().getOut().println(op + ": " + input.name() + " " + x.shape() + " -> " + output + " "
                + result.values().shape() + (indices != null ? " and " + indices + " (int64)" : "") + ", on " + where);
        return ExitCodes.OK;
    }
}
