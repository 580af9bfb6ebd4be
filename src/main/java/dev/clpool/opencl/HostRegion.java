package dev.clpool.opencl;

import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * A run of elements of a host {@link Tensor}, whatever its storage, copied to and from native memory
 * (mapped or pinned buffers) with all cores for large runs: one core's memcpy is slower than PCIe. Sizes
 * in bytes follow the element size.
 */
final class HostRegion {
    /** Below this many bytes a copy is not worth splitting. */
    private static final int PARALLEL_BYTES = 1 << 20;

    private final Tensor tensor;
    private final long offset;
    private final int length;

    private HostRegion(Tensor tensor, long offset, long length) {
        this.tensor = tensor;
        this.offset = offset;
        this.length = Math.toIntExact(length);
    }

    /** Elements {@code [offset, offset + length)} of {@code tensor}. */
    static HostRegion of(Tensor tensor, long offset, long length) {
        return new HostRegion(tensor, offset, length);
    }

    int length() {
        return length;
    }

    int elementBytes() {
        return tensor.dtype().byteSize();
    }

    /** Copies elements {@code [from, from + count)} of this run to the start of {@code target}, in native order. */
    void copyTo(ByteBuffer target, int from, int count) {
        split(count, (start, n) -> tensor.copyTo(offset + from + start,
                target.duplicate().order(ByteOrder.nativeOrder()).position(start * elementBytes()), n));
    }

    /** Copies {@code count} elements from the start of {@code source} (native order) to elements {@code [from, from + count)} of this run. */
    void copyFrom(ByteBuffer source, int from, int count) {
        split(count, (start, n) -> tensor.copyFrom(offset + from + start,
                source.duplicate().order(ByteOrder.nativeOrder()).position(start * elementBytes()), n));
    }

    private interface Part {
        void copy(int start, int count);
    }

    private void split(int count, Part part) {
        long bytes = (long) count * elementBytes();
        int parts = (int) Math.min(Runtime.getRuntime().availableProcessors(), Math.max(1, bytes / PARALLEL_BYTES));
        if (parts == 1) {
            part.copy(0, count);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> {
            int start = (int) ((long) count * p / parts);
            int end = (int) ((long) count * (p + 1) / parts);
            part.copy(start, end - start);
        });
    }
}
