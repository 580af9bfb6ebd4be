package dev.clpool.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * A run of elements of a Java {@code float[]} or {@code long[]}, copied to and from native memory
 * (mapped or pinned buffers) with all cores for large runs: one core's memcpy is slower than PCIe.
 */
final class HostRegion {
    /** Below this many bytes a copy is not worth splitting. */
    private static final int PARALLEL_BYTES = 1 << 20;

    private final float[] floats;
    private final long[] longs;
    private final int offset;
    private final int length;

    private HostRegion(float[] floats, long[] longs, long offset, long length) {
        this.floats = floats;
        this.longs = longs;
        this.offset = Math.toIntExact(offset);
        this.length = Math.toIntExact(length);
    }

    static HostRegion of(float[] array, long offset, long length) {
        return new HostRegion(array, null, offset, length);
    }

    static HostRegion of(long[] array, long offset, long length) {
        return new HostRegion(null, array, offset, length);
    }

    int length() {
        return length;
    }

    int elementBytes() {
        return floats != null ? Float.BYTES : Long.BYTES;
    }

    long bytes() {
        return (long) length * elementBytes();
    }

    /** Copies elements {@code [from, from + count)} of this run to the start of {@code target}. */
    void copyTo(ByteBuffer target, int from, int count) {
        split(count, (start, n) -> {
            ByteBuffer view = target.duplicate().order(ByteOrder.nativeOrder()).position(start * elementBytes());
            if (floats != null) {
                view.asFloatBuffer().put(floats, offset + from + start, n);
            } else {
                view.asLongBuffer().put(longs, offset + from + start, n);
            }
        });
    }

    /** Copies {@code count} elements from the start of {@code source} to elements {@code [from, from + count)} of this run. */
    void copyFrom(ByteBuffer source, int from, int count) {
        split(count, (start, n) -> {
            ByteBuffer view = source.duplicate().order(ByteOrder.nativeOrder()).position(start * elementBytes());
            if (floats != null) {
                view.asFloatBuffer().get(floats, offset + from + start, n);
            } else {
                view.asLongBuffer().get(longs, offset + from + start, n);
            }
        });
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
