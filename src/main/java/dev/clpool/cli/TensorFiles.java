package dev.clpool.cli;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import dev.clpool.io.AtomicFiles;
import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.npy.NpzWriter;
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
     * Reads a {@code .npy} file, or the array {@code key} of a {@code .npz} archive, and checks its dtype.
     *
     * @param option the option that named the file, for messages
     */
    static Tensor read(Path file, String key, DType dtype, String option) {
        Tensor t = readAny(file, key, option, false);
        if (t.dtype() != dtype) {
            throw new BadInputException(option + " " + name(file, key) + ": dtype " + t.dtype() + " is not supported here;"
                    + " expected " + dtype + " ('" + (dtype == DType.FLOAT32 ? "<f4" : "<i8") + "')");
        }
        return t;
    }

    /**
     * Reads a {@code .npy} file, or the array {@code key} of a {@code .npz} archive, whatever its dtype;
     * with {@code bfloat16Bits}, 16-bit integer arrays are read as bfloat16 bit patterns.
     */
    static Tensor readAny(Path file, String key, String option, boolean bfloat16Bits) {
        if (!Files.exists(file)) {
            throw new BadInputException(option + " " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException(option + " " + file + ": is a directory, not a .npy or .npz file");
        }
        Tensor t;
        try {
            if (key != null) {
                t = bfloat16Bits ? Npz.readBFloat16(file, key) : Npz.read(file, key);
            } else if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
                throw new BadInputException(option + " " + file + ": an .npz archive; name one of its arrays with --key ("
                        + listKeys(Npz.keys(file)) + ")");
            } else {
                t = bfloat16Bits ? Npy.readBFloat16(file) : Npy.read(file);
            }
        } catch (IOException e) {
            throw new BadInputException(option + " " + ErrorReporter.describe(e), e);
        }
        return t;
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

    /** Writes a {@code .npy} file atomically: on failure an existing file stays as it was. */
    static void write(Path file, Tensor tensor) throws IOException {
        try {
            Npy.write(file, tensor);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + ErrorReporter.describe(e), e);
        }
    }

    /** Writes tensors as an {@code .npz} archive (keys in the map's order), atomically, as {@link #write(Path, Tensor)}. */
    static void writeArchive(Path file, Map<String, Tensor> arrays) throws IOException {
        try {
            NpzWriter.write(file, arrays);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + ErrorReporter.describe(e), e);
        }
    }

    /** Writes bytes atomically, as {@link #write(Path, Tensor)}. */
    static void write(Path file, byte[] bytes) throws IOException {
        try {
            AtomicFiles.write(file, channel -> {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            });
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + ErrorReporter.describe(e), e);
        }
    }
}
