package dev.clpool.npy;

import dev.clpool.tensor.Tensor;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a tensor's {@code .npy} image, the same bytes wherever they go (a file, a stream, a byte array):
 * NumPy's version 1.0 header, then the array as it lies in memory, little-endian.
 */
final class NpyEncoder {
    /**
     * Where the bytes go, written as {@link OutputStream#write(byte[], int, int)} writes; {@code E} is what
     * writing may throw, nothing for a byte array.
     */
    @FunctionalInterface
    interface Sink<E extends Exception> {
        void write(byte[] bytes, int offset, int length) throws E;
    }

    private NpyEncoder() {
    }

    /** The length of the tensor's image. */
    static long size(Tensor tensor) {
        return header(tensor).length + tensor.elementCount() * tensor.dtype().byteSize();
    }

    /** Writes the tensor's image to {@code out}, a chunk at a time. */
    static <E extends Exception> void encode(Tensor tensor, Sink<E> out) throws E {
        byte[] header = header(tensor);
        out.write(header, 0, header.length);
        int bytes = tensor.dtype().byteSize();
        int count = Math.toIntExact(tensor.elementCount());
        int perChunk = ElementCodec.CHUNK_BYTES / bytes;
        byte[] chunk = new byte[(int) Math.min(ElementCodec.CHUNK_BYTES, (long) count * bytes)];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < count; ) {
            int k = Math.min(count - at, perChunk);
            tensor.copyTo(at, view, k); // any storage: an array, a heap or direct buffer, in either byte order
            out.write(chunk, 0, k * bytes);
            at += k;
        }
    }

    /** The header of the array in memory order: a channels-last {@code (N, C, H, W)} tensor is an {@code (N, H, W, C)} array. */
    private static byte[] header(Tensor tensor) {
        return NpyHeader.encode(tensor.dtype(), tensor.physicalShape());
    }
}
