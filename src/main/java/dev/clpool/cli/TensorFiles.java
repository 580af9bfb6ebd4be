package dev.clpool.cli;

import dev.clpool.io.AtomicFiles;
import dev.clpool.npy.Npz;
import dev.clpool.npy.NpzWriter;
import dev.clpool.stream.NpySource;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes the files of the command line. A file that cannot be read as asked is bad input
 * (exit 2); a file that cannot be written is a run-time failure (exit 1), checked early where it can be.
 */
final class TensorFiles {
    private static final int KEYS_LISTED = 10;

    private TensorFiles() {
    }

    /**
     * Opens a {@code .npy} file, or the array {@code key} of a {@code .npz} archive, to be read a chunk at a
     * time (mapped, or inflated as it is read), and checks its dtype; its header is checked now, before anything
     * of its data is read.
     *
     * @param option the option that named the file, for messages
     */
    static InputFile open(Path file, String key, DType dtype, String option) {
        InputFile f = open(file, key, option, Layout.CONTIGUOUS, false);
        if (f.dtype() != dtype) {
            closeQuietly(f);
            throw new BadInputException(option + " " + name(file, key) + ": dtype " + f.dtype() + " is not supported here;"
                    + " expected " + dtype + " ('" + (dtype == DType.FLOAT32 ? "<f4" : "<i8") + "')");
        }
        return f;
    }

    /**
     * Opens a {@code .npy} file, or the array {@code key} of a {@code .npz} archive, whatever its dtype, seen in
     * {@code layout}; with {@code bfloat16Bits}, 16-bit integer arrays are read as bfloat16 bit patterns.
     */
    static InputFile open(Path file, String key, String option, Layout layout, boolean bfloat16Bits) {
        if (!Files.exists(file)) {
            throw new BadInputException(option + " " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException(option + " " + file + ": is a directory, not a .npy or .npz file");
        }
        try {
            if (key == null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
                throw new BadInputException(option + " " + file + ": an .npz archive; name one of its arrays with --key ("
                        + listKeys(Npz.keys(file)) + ")");
            }
            return new InputFile(NpySource.open(file, key, layout, bfloat16Bits), option);
        } catch (IOException e) {
            throw new BadInputException(option + " " + ErrorReporter.describe(e), e);
        }
    }

    /** Closes an input being refused; a failure to close adds nothing to the refusal. */
    static void closeQuietly(InputFile f) {
        try {
            f.close();
        } catch (IOException e) {
            // the refusal says what matters
        }
    }

    /** {@code x.npy} or {@code x.npz:key}. */
    static String name(Path file, String key) {
        return key == null ? file.toString() : file + ":" + key;
    }

    private static String listKeys(List<String> keys) {
        if (keys.isEmpty()) {
            return "it holds no arrays";
        }
        String shown = String.join(", ", keys.subList(0, Math.min(KEYS_LISTED, keys.size())));
        return "it has " + (keys.size() > KEYS_LISTED ? shown + ", ... (" + keys.size() + " in all)" : shown);
    }

    /** Refuses, before any work, an output whose directory is missing or that names a directory. */
    static void checkWritable(Path file, String option) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new BadInputException(option + " " + file + ": is a directory");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new BadInputException(option + " " + file + ": the directory " + dir + " does not exist");
        }
    }

    /** Writes tensors as an {@code .npz} archive (keys in the map's order), atomically: on failure an existing file stays as it was. */
    static void writeArchive(Path file, Map<String, Tensor> arrays) throws IOException {
        try {
            NpzWriter.write(file, arrays);
        } catch (IOException e) {
            throw OutputFile.cannotWrite(file, e);
        }
    }

    /** Writes bytes atomically, as {@link #writeArchive}. */
    static void write(Path file, byte[] bytes) throws IOException {
        try {
            AtomicFiles.write(file, channel -> {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            });
        } catch (IOException e) {
            throw OutputFile.cannotWrite(file, e);
        }
    }
}
