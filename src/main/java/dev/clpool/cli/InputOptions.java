package dev.clpool.cli;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --input IN [--key NAME]}: a float32 {@code .npy} file, or one array of an {@code .npz} archive. */
final class InputOptions {
    @Option(names = "--input", required = true, paramLabel = "IN",
            description = "The input: a .npy file in C order, shaped (C, H, W) or (N, C, H, W) (with --dims 1: (C, L) or "
                    + "(N, C, L); --dims 3: (C, D, H, W) or (N, C, D, H, W)), float32 (<f4) (pool also takes float16 and "
                    + "float64, bfloat16 bits and NHWC arrays: see --dtype and --layout); or an .npz archive with --key.")
    private Path file;

    @Option(names = "--key", paramLabel = "NAME", description = "The array of an .npz input to read (its name in numpy.savez).")
    private String key;

    /** Opens the float32 input to be read a chunk at a time; bad files, keys and dtypes are {@link BadInputException}s. */
    InputFile open() {
        return TensorFiles.open(file, key, DType.FLOAT32, "--input");
    }

    /** Opens the input whatever its dtype, seen in {@code layout}; 16-bit integers as bfloat16 bits when {@code bfloat16Bits}. */
    InputFile openAny(Layout layout, boolean bfloat16Bits) {
        return TensorFiles.open(file, key, "--input", layout, bfloat16Bits);
    }

    /** {@code x.npy} or {@code x.npz:key}, for messages. */
    String name() {
        return TensorFiles.name(file, key);
    }
}
