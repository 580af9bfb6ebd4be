package dev.clpool.npy;

import dev.clpool.io.AtomicFiles;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes NumPy {@code .npy} files of float16, float32, float64 and int64 arrays in C order, and
 * bfloat16 arrays as their 16-bit patterns ({@code <u2}).
 *
 * <p>Reading checks the header and that the file holds exactly the bytes it declares before allocating
 * anything, so a header that claims a terabyte is refused, not attempted. Writing goes to a temporary
 * file in the target directory that is renamed into place: a failed write leaves no partial file and an
 * existing file untouched.
 */
public final class Npy {
    private Npy() {
    }

    /** Reads a {@code .npy} file: float16 ({@code <f2}), float32 ({@code <f4}), float64 ({@code <f8}) or int64 ({@code <i8}). */
    public static Tensor read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * Reads a {@code .npy} file as {@link #read(Path)} does, except that 16-bit integer or void arrays
     * ({@code <u2}, {@code <i2}, {@code |V2}) are read as bfloat16 bit patterns: NumPy has no bfloat16, so
     * a bfloat16 tensor is saved as its bits, e.g. {@code x.view(torch.int16).numpy()}.
     */
    public static Tensor readBFloat16(Path file) throws IOException {
        return read(file, true);
    }

    private static Tensor read(Path file, boolean bfloat16Bits) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return NpyDecoder.decode((into, offset, length) -> channel.read(ByteBuffer.wrap(into, offset, length)),
                    channel.size(), file.toString(), bfloat16Bits);
        }
    }

    /**
     * Writes a tensor as a {@code .npy} file, atomically: to a temporary file beside {@code file}, then
     * renamed over it. float16, float32, float64 and int64 as {@code <f2}, {@code <f4}, {@code <f8},
     * {@code <i8}; bfloat16 as its bit patterns, {@code <u2} (read it back with {@link #readBFloat16}). The
     * array is written as it lies in memory: a channels-last tensor {@code (N, C, H, W)} becomes an
     * {@code (N, H, W, C)} array, its {@link Tensor#physicalShape()}.
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        AtomicFiles.write(file, channel -> NpyEncoder.encode(tensor, Channels.newOutputStream(channel)::write));
    }
}
