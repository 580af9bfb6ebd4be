package dev.clpool.npy;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import dev.clpool.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.InputStream;

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
    private static final int CHUNK = 1 << 20;

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
            return read(channel, channel.size(), file.toString(), bfloat16Bits);
        }
    }

    /** Reads a {@code .npy} image of exactly {@code size} bytes from a stream, e.g. an {@code .npz} entry. */
    static Tensor read(InputStream in, long size, String source) throws IOException {
        return read(Channels.newChannel(in), size, source, false);
    }

    /** As {@link #read(InputStream, long, String)}, 16-bit integers read as bfloat16 bits when {@code bfloat16Bits}. */
    static Tensor read(InputStream in, long size, String source, boolean bfloat16Bits) throws IOException {
        return read(Channels.newChannel(in), size, source, bfloat16Bits);
    }

    private static Tensor read(ReadableByteChannel in, long size, String source, boolean bfloat16Bits) throws IOException {
        byte[] prefix = readFully(in, (int) Math.min(12, size), source);
        long headerLength = NpyHeader.headerLength(prefix, source);
        if (headerLength < prefix.length) {
            throw new NpyFormatException(source + ": malformed .npy header: its length field leaves no room for"
                    + " the header text (" + headerLength + " bytes in all)");
        }
        if (headerLength > size) {
            throw new NpyFormatException(source + ": truncated: the header needs " + headerLength
                    + " bytes, the file has " + size);
        }
        byte[] header = new byte[(int) headerLength];
        System.arraycopy(prefix, 0, header, 0, prefix.length);
        byte[] rest = readFully(in, header.length - prefix.length, source);
        System.arraycopy(rest, 0, header, prefix.length, rest.length);
        NpyHeader h = NpyHeader.parse(header, source, bfloat16Bits);

        long declared;
        try {
            declared = h.dataBytes();
        } catch (ArithmeticException e) {
            throw new NpyFormatException(source + ": the header's shape " + h.shape() + " declares more bytes than a file can hold");
        }
        long present = size - headerLength;
        if (declared != present) {
            throw new NpyFormatException(source + (declared > present ? ": truncated" : ": trailing data")
                    + ": shape " + h.shape() + " of " + h.dtype() + " needs " + declared + " bytes of data, the file has " + present);
        }
        long n = h.shape().elementCount();
        if (n > Tensor.MAX_ELEMENTS) {
            throw new NpyFormatException(source + ": shape " + h.shape() + " has " + n
                    + " elements, more than a Java array holds (" + Tensor.MAX_ELEMENTS + ")");
        }
        int count = (int) n;
        int bytes = h.dtype().byteSize();
        ByteOrder order = h.order();
        return switch (h.dtype()) {
            case FLOAT32 -> {
                float[] out = new float[count];
                readChunks(in, count, bytes, order, source, (buf, at, k) -> buf.asFloatBuffer().get(out, at, k));
                yield Tensor.of(out, h.shape());
            }
            case INT64 -> {
                long[] out = new long[count];
                readChunks(in, count, bytes, order, source, (buf, at, k) -> buf.asLongBuffer().get(out, at, k));
                yield Tensor.ofInt64(out, h.shape());
            }
            case FLOAT16, BFLOAT16 -> {
                short[] out = new short[count];
                readChunks(in, count, bytes, order, source, (buf, at, k) -> buf.asShortBuffer().get(out, at, k));
                yield h.dtype() == DType.FLOAT16 ? Tensor.ofFloat16(out, h.shape()) : Tensor.ofBFloat16(out, h.shape());
            }
            case FLOAT64 -> {
                double[] out = new double[count];
                readChunks(in, count, bytes, order, source, (buf, at, k) -> buf.asDoubleBuffer().get(out, at, k));
                yield Tensor.of(out, h.shape());
            }
        };
    }

    /** Copies {@code count} elements between a chunk of bytes and a Java array, from element {@code at}. */
    @FunctionalInterface
    private interface Chunk {
        void copy(ByteBuffer chunk, int at, int count);
    }

    /** Reads {@code n} elements of {@code size} bytes in chunks, handing each chunk to {@code into}. */
    private static void readChunks(ReadableByteChannel in, int n, int size, ByteOrder order, String source, Chunk into)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(order);
        for (int at = 0; at < n; ) {
            int count = Math.min(n - at, CHUNK / size);
            fill(in, buf, count * size, source);
            into.copy(buf, at, count);
            at += count;
        }
    }

    private static byte[] readFully(ReadableByteChannel in, int n, String source) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        fill(in, buf, n, source);
        return buf.array();
    }

    /** Reads exactly {@code bytes} bytes into {@code buf} from its start, and flips it for reading. */
    private static void fill(ReadableByteChannel in, ByteBuffer buf, int bytes, String source) throws IOException {
        buf.clear().limit(bytes);
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                throw new NpyFormatException(source + ": truncated: the file ended early");
            }
        }
        buf.flip();
    }

    /**
     * Writes a tensor as a {@code .npy} file, atomically: to a temporary file beside {@code file}, then
     * renamed over it. float16, float32, float64 and int64 as {@code <f2}, {@code <f4}, {@code <f8},
     * {@code <i8}; bfloat16 as its bit patterns, {@code <u2} (read it back with {@link #readBFloat16}). The
     * array is written as it lies in memory: a channels-last tensor {@code (N, C, H, W)} becomes an
     * {@code (N, H, W, C)} array, its {@link Tensor#physicalShape()}.
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        AtomicFiles.write(file, channel -> write(channel, tensor));
    }

    /** Writes a tensor's {@code .npy} image to a channel. */
    static void write(WritableByteChannel out, Tensor tensor) throws IOException {
        writeAll(out, ByteBuffer.wrap(NpyHeader.encode(tensor.dtype(), tensor.physicalShape())));
        int n = Math.toIntExact(tensor.elementCount());
        switch (tensor.dtype()) {
            case FLOAT16, BFLOAT16 -> writeChunks(out, n, Short.BYTES, (buf, at, k) -> buf.asShortBuffer().put(tensor.shorts(), at, k));
            case FLOAT32 -> writeChunks(out, n, Float.BYTES, (buf, at, k) -> buf.asFloatBuffer().put(tensor.floats(), at, k));
            case FLOAT64 -> writeChunks(out, n, Double.BYTES, (buf, at, k) -> buf.asDoubleBuffer().put(tensor.doubles(), at, k));
            case INT64 -> writeChunks(out, n, Long.BYTES, (buf, at, k) -> buf.asLongBuffer().put(tensor.int64s(), at, k));
        }
    }

    /** Writes {@code n} elements of {@code size} bytes, little-endian, in chunks that {@code from} fills. */
    private static void writeChunks(WritableByteChannel out, int n, int size, Chunk from) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < n; ) {
            int count = Math.min(n - at, CHUNK / size);
            buf.clear();
            from.copy(buf, at, count);
            buf.limit(count * size);
            writeAll(out, buf);
            at += count;
        }
    }

    private static void writeAll(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
