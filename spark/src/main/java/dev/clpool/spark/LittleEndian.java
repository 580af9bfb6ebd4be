package dev.clpool.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 and int64 arrays as little-endian bytes, the layout of a {@code binary} feature-map column. */
final class LittleEndian {
    private LittleEndian() {
    }

    /** Reads {@code count} floats from {@code bytes} into {@code into} at {@code at}. */
    static void readFloats(byte[] bytes, float[] into, int at, int count) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, at, count);
    }

    static byte[] floats(float[] values, int from, int count) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values, from, count);
        return buf.array();
    }

    static byte[] longs(long[] values, int from, int count) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(count, Long.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values, from, count);
        return buf.array();
    }
}
