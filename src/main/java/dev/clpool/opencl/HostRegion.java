package dev.clpool.opencl;

import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * A run of elements of a Java {@code float[]}, {@code long[]}, {@code short[]} (float16 / bfloat16 bit
 * patterns) or {@code double[]}, copied to and from native memory (mapped or pinned buffers) with all
 * cores for large runs: one core's memcpy is slower than PCIe. Sizes in bytes follow the element size.
 */
final class HostRegion {
    /** Below this many bytes a copy is not worth splitting. */
    private static final int PARALLEL_BYTES = 1 << 20;

    private final Object array;
    private final int elementBytes;
    private final int offset;
    private final int length;

    private HostRegion(Object array, int elementBytes, long offset, long length) {
        this.array = array;
        this.elementBytes = elementBytes;
        this.offset = Math.toIntExact(offset);
        this.length = Math.toIntExact(length);
    }

    static HostRegion of(float[] array, long offset, long length) {
        return new HostRegion(array, Float.BYTES, offset, length);
    }

    static HostRegion of(long[] array, long offset, long length) {
        return new HostRegion(array, Long.BYTES, offset, length);
    }

    static HostRegion of(short[] array, long offset, long length) {
        return new HostRegion(array, Short.BYTES, offset, length);
    }

    static HostRegion of(double[] array, long offset, long length) {
        return new HostRegion(array, Double.BYTES, offset, length);
    }

    /** A run of a tensor's array, whatever its dtype. */
    static HostRegion of(Tensor tensor, long offset, long length) {
        return new HostRegion(tensor.array(), tensor.dtype().byteSize(), offset, length);
    }

    int length() {
        return length;
    }

    int elementBytes() {
        return elementBytes;
    }

    long bytes() {
        return (long) length * elementBytes();
    }

    /** Copies elements {@code [from, from + count)} of this run to the start of {@code target}. */
    void copyTo(ByteBuffer target, int from, int count) {
        split(count, (start, n) -> {
            ByteBuffer view = target.duplicate().order(ByteOrder.nativeOrder()).position(start * elementBytes());
            int at = offset + from + start;
            if (array instanceof float[] f) {
                view.asFloatBuffer().put(f, at, n);
            } else if (array instanceof long[] l) {
                view.asLongBuffer().put(l, at, n);
            } else if (array instanceof short[] s) {
                view.asShortBuffer().put(s, at, n);
            } else {
                view.asDoubleBuffer().put((double[]) array, at, n);
            }
        });
    }

    /** Copies {@code count} elements from the start of {@code source} to elements {@code [from, from + count)} of this run. */
    void copyFrom(ByteBuffer source, int from, int count) {
        split(count, (start, n) -> {
            ByteBuffer view = source.duplicate().order(ByteOrder.nativeOrder()).position(start * elementBytes());
            int at = offset + from + start;
            if (array instanceof float[] f) {
                view.asFloatBuffer().get(f, at, n);
            } else if (array instanceof long[] l) {
                view.asLongBuffer().get(l, at, n);
            } else if (array instanceof short[] s) {
                view.asShortBuffer().get(s, at, n);
            } else {
                view.asDoubleBuffer().get((double[]) array, at, n);
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
