package dev.clpool.tensor;

import java.lang.reflect.Array;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Where a {@link Tensor}'s elements live: a Java array, or an NIO buffer (a typed view, position 0, one
 * element per slot, in the buffer's byte order). Both give the same bulk reads and writes, so code that
 * moves elements never asks which it has. float16 and bfloat16 are 16-bit patterns in either.
 */
sealed interface Storage {
    /** Elements held. */
    int length();

    /** Copies elements {@code [from, from + n)} as floats: exact for float32, float16 and bfloat16. */
    void readFloats(DType dtype, long from, float[] dst, int offset, int n);

    /** Stores {@code n} floats from element {@code at}, rounded to the dtype (nearest, ties to even). */
    void writeFloats(DType dtype, long at, float[] src, int offset, int n);

    void readDoubles(long from, double[] dst, int offset, int n);

    void writeDoubles(long at, double[] src, int offset, int n);

    void readLongs(long from, long[] dst, int offset, int n);

    void writeLongs(long at, long[] src, int offset, int n);

    /** Copies elements {@code [from, from + n)} as they are stored into {@code dst} (from its position, its byte order). */
    void copyTo(long from, ByteBuffer dst, int n);

    /** Stores {@code n} elements from {@code src} (from its position, its byte order) at element {@code at}. */
    void copyFrom(long at, ByteBuffer src, int n);

    /** A new storage of {@code length} zeros of the same kind (heap array, or page-aligned direct buffer). */
    Storage zeros(DType dtype, int length);

    /** The Java array. */
    record OnHeap(Object array) implements Storage {
        @Override
        public int length() {
            return Array.getLength(array);
        }

        @Override
        public void readFloats(DType dtype, long from, float[] dst, int offset, int n) {
            int f = Math.toIntExact(from);
            if (array instanceof float[] a) {
                System.arraycopy(a, f, dst, offset, n);
            } else {
                short[] bits = (short[]) array;
                boolean half = dtype == DType.FLOAT16;
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = half ? Float16.toFloat(bits[f + i]) : BFloat16.toFloat(bits[f + i]);
                }
            }
        }

        @Override
        public void writeFloats(DType dtype, long at, float[] src, int offset, int n) {
            int t = Math.toIntExact(at);
            if (array instanceof float[] a) {
                System.arraycopy(src, offset, a, t, n);
            } else {
                short[] bits = (short[]) array;
                boolean half = dtype == DType.FLOAT16;
                for (int i = 0; i < n; i++) {
                    bits[t + i] = half ? Float16.fromFloat(src[offset + i]) : BFloat16.fromFloat(src[offset + i]);
                }
            }
        }

        @Override
        public void readDoubles(long from, double[] dst, int offset, int n) {
            System.arraycopy((double[]) array, Math.toIntExact(from), dst, offset, n);
        }

        @Override
        public void writeDoubles(long at, double[] src, int offset, int n) {
            System.arraycopy(src, offset, (double[]) array, Math.toIntExact(at), n);
        }

        @Override
        public void readLongs(long from, long[] dst, int offset, int n) {
            System.arraycopy((long[]) array, Math.toIntExact(from), dst, offset, n);
        }

        @Override
        public void writeLongs(long at, long[] src, int offset, int n) {
            System.arraycopy(src, offset, (long[]) array, Math.toIntExact(at), n);
        }

        @Override
        public void copyTo(long from, ByteBuffer dst, int n) {
            int f = Math.toIntExact(from);
            ByteBuffer view = dst.slice().order(dst.order());
            if (array instanceof float[] a) {
                view.asFloatBuffer().put(a, f, n);
            } else if (array instanceof short[] a) {
                view.asShortBuffer().put(a, f, n);
            } else if (array instanceof double[] a) {
                view.asDoubleBuffer().put(a, f, n);
            } else {
                view.asLongBuffer().put((long[]) array, f, n);
            }
        }

        @Override
        public void copyFrom(long at, ByteBuffer src, int n) {
            int t = Math.toIntExact(at);
            ByteBuffer view = src.slice().order(src.order());
            if (array instanceof float[] a) {
                view.asFloatBuffer().get(a, t, n);
            } else if (array instanceof short[] a) {
                view.asShortBuffer().get(a, t, n);
            } else if (array instanceof double[] a) {
                view.asDoubleBuffer().get(a, t, n);
            } else {
                view.asLongBuffer().get((long[]) array, t, n);
            }
        }

        @Override
        public Storage zeros(DType dtype, int length) {
            return onHeap(dtype, length);
        }
    }

    /** A typed NIO buffer: a direct one (off-heap, e.g. another library's or a mapped file) or a heap one. */
    record InBuffer(Buffer buffer) implements Storage {
        @Override
        public int length() {
            return buffer.limit();
        }

        @Override
        public void readFloats(DType dtype, long from, float[] dst, int offset, int n) {
            int f = Math.toIntExact(from);
            if (buffer instanceof FloatBuffer b) {
                b.get(f, dst, offset, n);
            } else {
                ShortBuffer bits = (ShortBuffer) buffer;
                boolean half = dtype == DType.FLOAT16;
                for (int i = 0; i < n; i++) {
                    short s = bits.get(f + i);
                    dst[offset + i] = half ? Float16.toFloat(s) : BFloat16.toFloat(s);
                }
            }
        }

        @Override
        public void writeFloats(DType dtype, long at, float[] src, int offset, int n) {
            int t = Math.toIntExact(at);
            if (buffer instanceof FloatBuffer b) {
                b.put(t, src, offset, n);
            } else {
                ShortBuffer bits = (ShortBuffer) buffer;
                boolean half = dtype == DType.FLOAT16;
                for (int i = 0; i < n; i++) {
                    bits.put(t + i, half ? Float16.fromFloat(src[offset + i]) : BFloat16.fromFloat(src[offset + i]));
                }
            }
        }

        @Override
        public void readDoubles(long from, double[] dst, int offset, int n) {
            ((DoubleBuffer) buffer).get(Math.toIntExact(from), dst, offset, n);
        }

        @Override
        public void writeDoubles(long at, double[] src, int offset, int n) {
            ((DoubleBuffer) buffer).put(Math.toIntExact(at), src, offset, n);
        }

        @Override
        public void readLongs(long from, long[] dst, int offset, int n) {
            ((LongBuffer) buffer).get(Math.toIntExact(from), dst, offset, n);
        }

        @Override
        public void writeLongs(long at, long[] src, int offset, int n) {
            ((LongBuffer) buffer).put(Math.toIntExact(at), src, offset, n);
        }

        @Override
        public void copyTo(long from, ByteBuffer dst, int n) {
            int f = Math.toIntExact(from);
            ByteBuffer view = dst.slice().order(dst.order());
            if (buffer instanceof FloatBuffer b) {
                view.asFloatBuffer().put(b.slice(f, n));
            } else if (buffer instanceof ShortBuffer b) {
                view.asShortBuffer().put(b.slice(f, n));
            } else if (buffer instanceof DoubleBuffer b) {
                view.asDoubleBuffer().put(b.slice(f, n));
            } else {
                view.asLongBuffer().put(((LongBuffer) buffer).slice(f, n));
            }
        }

        @Override
        public void copyFrom(long at, ByteBuffer src, int n) {
            int t = Math.toIntExact(at);
            ByteBuffer view = src.slice().order(src.order());
            if (buffer instanceof FloatBuffer b) {
                b.slice(t, n).put(view.asFloatBuffer().limit(n));
            } else if (buffer instanceof ShortBuffer b) {
                b.slice(t, n).put(view.asShortBuffer().limit(n));
            } else if (buffer instanceof DoubleBuffer b) {
                b.slice(t, n).put(view.asDoubleBuffer().limit(n));
            } else {
                ((LongBuffer) buffer).slice(t, n).put(view.asLongBuffer().limit(n));
            }
        }

        @Override
        public Storage zeros(DType dtype, int length) {
            return buffer.isDirect() ? direct(dtype, length) : onHeap(dtype, length);
        }
    }

    /** A zeroed Java array for {@code length} elements of {@code dtype}. */
    static OnHeap onHeap(DType dtype, int length) {
        return new OnHeap(switch (dtype) {
            case FLOAT32 -> new float[length];
            case INT64 -> new long[length];
            case FLOAT16, BFLOAT16 -> new short[length];
            case FLOAT64 -> new double[length];
        });
    }

    /** Bytes of the page that direct tensors start on: what zero-copy OpenCL buffers on host memory want. */
    int PAGE = 4096;

    /** Zeroed, page-aligned direct memory for {@code length} elements of {@code dtype}, in native byte order. */
    static InBuffer direct(DType dtype, int length) {
        int bytes = Math.multiplyExact(length, dtype.byteSize());
        // alignedSlice rounds both ends to whole pages: allocate a page more than the pages the elements take.
        int pages = Math.addExact(bytes, PAGE - 1) / PAGE;
        ByteBuffer aligned = ByteBuffer.allocateDirect(Math.multiplyExact(pages + 1, PAGE)).alignedSlice(PAGE);
        return view(aligned.limit(bytes).order(ByteOrder.nativeOrder()), dtype);
    }

    /** The typed view of {@code bytes} (from its position to its limit, in its order) for {@code dtype}. */
    static InBuffer view(ByteBuffer bytes, DType dtype) {
        ByteBuffer b = bytes.slice().order(bytes.order());
        return new InBuffer(switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer();
            case INT64 -> b.asLongBuffer();
            case FLOAT16, BFLOAT16 -> b.asShortBuffer();
            case FLOAT64 -> b.asDoubleBuffer();
        });
    }
}
