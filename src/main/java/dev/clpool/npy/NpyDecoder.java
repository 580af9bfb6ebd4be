package dev.clpool.npy;

import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads one {@code .npy} image from a source of bytes (a file, a byte array, a buffer, an {@code .npz}
 * entry, a stream), all through the same checks: the header is read and validated first, and when the
 * source's size is known the data it declares must be exactly what is there, before the result is allocated.
 */
final class NpyDecoder {
    /** The size of a source read only as far as the image goes: a stream, whose length is not known. */
    static final long UNKNOWN_SIZE = -1;

    /** Where the bytes come from, read as {@link InputStream#read(byte[], int, int)} reads: how many came, -1 at the end. */
    @FunctionalInterface
    interface Source {
        int read(byte[] into, int offset, int length) throws IOException;
    }

    private NpyDecoder() {
    }

    /**
     * Reads one image from {@code in}: one of exactly {@code size} bytes, or with {@link #UNKNOWN_SIZE} one
     * that ends where its data does, nothing after it read. With {@code bfloat16Bits}, 16-bit integer arrays
     * are bfloat16 bit patterns. Errors start with {@code name}.
     */
    static Tensor decode(Source in, long size, String name, boolean bfloat16Bits) throws IOException {
        NpyHeader h = header(in, size, name, bfloat16Bits);
        long n = h.shape().elementCount();
        if (n > Tensor.MAX_ELEMENTS) {
            throw new NpyFormatException(name + ": shape " + h.shape() + " has " + n
                    + " elements, more than a Java array holds (" + Tensor.MAX_ELEMENTS + ")");
        }
        return readData(in, h, (int) n, size != UNKNOWN_SIZE, name);
    }

    /**
     * Reads and checks the header of the image {@code in} starts with, leaving {@code in} at the first byte
     * of data; an image of a known {@code size} must hold exactly the data its header declares.
     */
    static NpyHeader header(Source in, long size, String name, boolean bfloat16Bits) throws IOException {
        NpyHeader h = readHeader(in, size, name, bfloat16Bits);
        long declared;
        try {
            declared = h.dataBytes();
        } catch (ArithmeticException e) {
            throw new NpyFormatException(name + ": the header's shape " + h.shape() + " declares more bytes than a file can hold");
        }
        if (size != UNKNOWN_SIZE && declared != size - h.headerBytes()) {
            throw dataMismatch(h, declared, size - h.headerBytes(), name);
        }
        return h;
    }

    private static NpyHeader readHeader(Source in, long size, String name, boolean bfloat16Bits) throws IOException {
        byte[] prefix = new byte[(int) (size == UNKNOWN_SIZE ? NpyHeader.PREFIX_BYTES : Math.min(NpyHeader.PREFIX_BYTES, size))];
        prefix = Arrays.copyOf(prefix, readUpTo(in, prefix, 0, prefix.length));
        int length = NpyHeader.headerLength(prefix, name);
        if (length < prefix.length) {
            throw new NpyFormatException(name + ": malformed .npy header: its length field leaves no room for"
                    + " the header text (" + length + " bytes in all)");
        }
        if (size != UNKNOWN_SIZE && length > size) {
            throw truncatedHeader(length, size, name);
        }
        byte[] header = Arrays.copyOf(prefix, length);
        int got = prefix.length + readUpTo(in, header, prefix.length, length - prefix.length);
        if (got < length) {
            throw truncatedHeader(length, got, name);
        }
        return NpyHeader.parse(header, name, bfloat16Bits);
    }

    /**
     * Reads the data into the array the tensor holds. When the size was checked the array is allocated
     * at once; otherwise it grows as the data arrives, so that a stream that declares far more than it
     * sends is refused having allocated a small multiple of what it sent.
     */
    private static Tensor readData(Source in, NpyHeader h, int count, boolean sized, String name) throws IOException {
        ElementCodec codec = ElementCodec.of(h.dtype());
        int capacity = sized ? count : Math.min(count, codec.perChunk());
        Object array = codec.allocate(capacity);
        byte[] chunk = new byte[(int) Math.min(ElementCodec.CHUNK_BYTES, (long) count * codec.bytes)];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(h.order());
        for (int at = 0; at < count; ) {
            int k = Math.min(count - at, codec.perChunk());
            int got = readUpTo(in, chunk, 0, k * codec.bytes);
            if (got < k * codec.bytes) {
                throw dataMismatch(h, h.dataBytes(), (long) at * codec.bytes + got, name);
            }
            if (at + k > capacity) {
                capacity = (int) Math.min(count, Math.max(at + k, 2L * capacity));
                Object grown = codec.allocate(capacity);
                System.arraycopy(array, 0, grown, 0, at);
                array = grown;
            }
            codec.decode(view, array, at, k);
            at += k;
        }
        return tensor(h, array);
    }

    private static Tensor tensor(NpyHeader h, Object array) {
        return switch (h.dtype()) {
            case FLOAT16 -> Tensor.ofFloat16((short[]) array, h.shape());
            case BFLOAT16 -> Tensor.ofBFloat16((short[]) array, h.shape());
            case FLOAT32 -> Tensor.of((float[]) array, h.shape());
            case FLOAT64 -> Tensor.of((double[]) array, h.shape());
            case INT64 -> Tensor.ofInt64((long[]) array, h.shape());
        };
    }

    /** Reads until {@code length} bytes have come or the source ends; returns how many came. */
    private static int readUpTo(Source in, byte[] into, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(into, offset + done, length - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    private static NpyFormatException truncatedHeader(int length, long present, String name) {
        return new NpyFormatException(name + ": truncated: the header needs " + length + " bytes and has " + present);
    }

    private static NpyFormatException dataMismatch(NpyHeader h, long declared, long present, String name) {
        return new NpyFormatException(name + (declared > present ? ": truncated" : ": trailing data")
                + ": shape " + h.shape() + " of " + h.dtype() + " needs " + declared + " bytes of data and has " + present);
    }
}
