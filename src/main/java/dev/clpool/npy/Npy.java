package dev.clpool.npy;

import dev.clpool.io.AtomicFiles;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes NumPy {@code .npy} images of float16, float32, float64 and int64 arrays in C order, and
 * bfloat16 arrays as their 16-bit patterns ({@code <u2}): as files, byte arrays, buffers and streams,
 * all with the same checks and the same bytes.
 *
 * <p>Reading accepts format versions 1.0 to 3.0 and either byte order. It checks the header, and that
 * a file, array or buffer holds exactly the bytes it declares, before allocating anything, so a header
 * that claims a terabyte is refused, not attempted; a stream's data is read as it comes, so one that
 * ends early is refused having cost a small multiple of what it sent. Every refusal is an
 * {@link NpyFormatException} whose message starts with the source's name: the file's path, or the name
 * the caller gives.
 *
 * <p>Writing produces NumPy's version 1.0 header and little-endian data. A file is written to a
 * temporary file in the target directory that is renamed into place: a failed write leaves no partial
 * file and an existing file untouched.
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

    /**
     * Reads the {@code .npy} image that makes up {@code bytes}, as {@link #read(Path)} reads a file.
     *
     * @throws NpyFormatException if the bytes are not exactly one image clpool reads (truncated, trailing
     *     data, bad magic, an unsupported dtype, ...); the message starts with "the .npy bytes"
     */
    public static Tensor read(byte[] bytes) throws IOException {
        return read(bytes, "the .npy bytes");
    }

    /**
     * As {@link #read(byte[])}, errors naming the bytes {@code name}, e.g. the path they were read from.
     *
     * @throws NpyFormatException as {@link #read(byte[])}, the message starting with {@code name}
     */
    public static Tensor read(byte[] bytes, String name) throws IOException {
        return read(ByteBuffer.wrap(bytes), name);
    }

    /** As {@link #read(byte[])}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link #readBFloat16(Path)}). */
    public static Tensor readBFloat16(byte[] bytes) throws IOException {
        return readBFloat16(bytes, "the .npy bytes");
    }

    /** As {@link #read(byte[], String)}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link #readBFloat16(Path)}). */
    public static Tensor readBFloat16(byte[] bytes, String name) throws IOException {
        return readBFloat16(ByteBuffer.wrap(bytes), name);
    }

    /**
     * Reads the {@code .npy} image that makes up the buffer's remaining bytes, from its position to its
     * limit, heap or direct. The buffer's position, limit and byte order are left as they were.
     *
     * @throws NpyFormatException if those bytes are not exactly one image clpool reads; the message
     *     starts with "the .npy buffer"
     */
    public static Tensor read(ByteBuffer buffer) throws IOException {
        return read(buffer, "the .npy buffer");
    }

    /**
     * As {@link #read(ByteBuffer)}, errors naming the buffer {@code name}.
     *
     * @throws NpyFormatException as {@link #read(ByteBuffer)}, the message starting with {@code name}
     */
    public static Tensor read(ByteBuffer buffer, String name) throws IOException {
        return read(buffer, name, false);
    }

    /** As {@link #read(ByteBuffer)}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link #readBFloat16(Path)}). */
    public static Tensor readBFloat16(ByteBuffer buffer) throws IOException {
        return readBFloat16(buffer, "the .npy buffer");
    }

    /** As {@link #read(ByteBuffer, String)}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link #readBFloat16(Path)}). */
    public static Tensor readBFloat16(ByteBuffer buffer, String name) throws IOException {
        return read(buffer, name, true);
    }

    /**
     * Reads one {@code .npy} image from a stream and leaves the stream just after it, so that images
     * written one after another read back one after another. The stream is not closed. Memory: the
     * result, whose array doubles as the data arrives (half as much again while it grows), and a
     * 256 KiB buffer: the declared size is allocated only once half of it has arrived.
     *
     * @throws NpyFormatException if the stream does not start with an image clpool reads, or ends before
     *     the image does; the message starts with "the .npy stream". After a refusal the stream's
     *     position is undefined.
     */
    public static Tensor read(InputStream in) throws IOException {
        return read(in, "the .npy stream");
    }

    /**
     * As {@link #read(InputStream)}, errors naming the stream {@code name}.
     *
     * @throws NpyFormatException as {@link #read(InputStream)}, the message starting with {@code name}
     */
    public static Tensor read(InputStream in, String name) throws IOException {
        return NpyDecoder.decode(in::read, NpyDecoder.UNKNOWN_SIZE, name, false);
    }

    /** As {@link #read(InputStream)}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link #readBFloat16(Path)}). */
    public static Tensor readBFloat16(InputStream in) throws IOException {
        return readBFloat16(in, "the .npy stream");
    }

    /** As {@link #read(InputStream, String)}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link #readBFloat16(Path)}). */
    public static Tensor readBFloat16(InputStream in, String name) throws IOException {
        return NpyDecoder.decode(in::read, NpyDecoder.UNKNOWN_SIZE, name, true);
    }

    private static Tensor read(ByteBuffer buffer, String name, boolean bfloat16Bits) throws IOException {
        // A duplicate: reading moves its position, not the caller's.
        ByteBuffer bytes = buffer.duplicate();
        NpyDecoder.Source source = (into, offset, length) -> {
            if (!bytes.hasRemaining()) {
                return -1;
            }
            int n = Math.min(length, bytes.remaining());
            bytes.get(into, offset, n);
            return n;
        };
        return NpyDecoder.decode(source, bytes.remaining(), name, bfloat16Bits);
    }

    private static Tensor read(Path file, boolean bfloat16Bits) throws IOException {
        try (FileChannel channel = open(file)) {
            return NpyDecoder.decode(source(channel), channel.size(), file.toString(), bfloat16Bits);
        }
    }

    /** Opens a file to read; a missing one is a {@link NoSuchFileException} that says so. */
    private static FileChannel open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** The decoder's source of bytes over a channel, from its position. */
    private static NpyDecoder.Source source(FileChannel channel) {
        return (into, offset, length) -> channel.read(ByteBuffer.wrap(into, offset, length));
    }

    /**
     * Reads and checks the header of a {@code .npy} file, as {@link #read(Path)} and {@link #readBFloat16(Path)}
     * do, and that the file holds exactly the data it declares, reading nothing of the data: for readers that
     * take the data a run at a time (it starts {@link NpyHeader#headerBytes()} into the file), so an array
     * of any size, even one larger than a Java array, can be read.
     *
     * @param bfloat16Bits whether 16-bit integer arrays are bfloat16 bit patterns (see {@link #readBFloat16(Path)})
     * @throws NpyFormatException as {@link #read(Path)}, the message starting with the file's path
     */
    public static NpyHeader header(Path file, boolean bfloat16Bits) throws IOException {
        try (FileChannel channel = open(file)) {
            return NpyDecoder.header(source(channel), channel.size(), file.toString(), bfloat16Bits);
        }
    }

    /**
     * The header {@link #write(Path, Tensor)} writes before the data of an array of {@code dtype} shaped
     * {@code shape} (in memory order): for writers that write the data a run at a time, little-endian.
     */
    public static byte[] encodeHeader(DType dtype, Shape shape) {
        return NpyHeader.encode(dtype, shape);
    }

    /**
     * Writes a tensor as a {@code .npy} file, atomically: to a temporary file beside {@code file}, then
     * renamed over it. float16, float32, float64 and int64 as {@code <f2}, {@code <f4}, {@code <f8},
     * {@code <i8}; bfloat16 as its bit patterns, {@code <u2} (read it back with {@link #readBFloat16(Path)}). The
     * array is written as it lies in memory: a channels-last tensor {@code (N, C, H, W)} becomes an
     * {@code (N, H, W, C)} array, its {@link Tensor#physicalShape()}.
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        AtomicFiles.write(file, channel -> NpyEncoder.encode(tensor, Channels.newOutputStream(channel)::write));
    }

    /**
     * Writes a tensor's {@code .npy} image to a stream: the bytes {@link #write(Path, Tensor)} puts in a
     * file, the array in memory order. The stream is neither flushed nor closed, so several images can
     * follow one another (see {@link #read(InputStream)}).
     */
    public static void write(Tensor tensor, OutputStream out) throws IOException {
        NpyEncoder.encode(tensor, out::write);
    }

    /**
     * A tensor's {@code .npy} image as a byte array: the bytes {@link #write(Path, Tensor)} puts in a file.
     *
     * @throws IllegalArgumentException if the image is larger than a Java array holds; write it to a stream
     */
    public static byte[] toBytes(Tensor tensor) {
        long size = NpyEncoder.size(tensor);
        if (size > Tensor.MAX_ELEMENTS) {
            throw new IllegalArgumentException("a .npy image of " + size + " bytes is more than a byte array holds ("
                    + Tensor.MAX_ELEMENTS + "); write it to a stream");
        }
        byte[] bytes = new byte[(int) size];
        NpyEncoder.encode(tensor, ByteBuffer.wrap(bytes)::put);
        return bytes;
    }
}
