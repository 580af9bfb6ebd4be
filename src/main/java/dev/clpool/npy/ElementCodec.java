package dev.clpool.npy;

import dev.clpool.tensor.DType;
import java.nio.ByteBuffer;

/**
 * How the elements of each Java array a {@code Tensor} holds are read from {@code .npy} bytes, a chunk at a
 * time: the one copy loop of reading goes through here (writing copies from any storage with {@code Tensor.copyTo}).
 */
enum ElementCodec {
    SHORTS(Short.BYTES) {
        @Override
        Object allocate(int length) {
            return new short[length];
        }

        @Override
        void decode(ByteBuffer chunk, Object array, int at, int count) {
            chunk.asShortBuffer().get((short[]) array, at, count);
        }
    },
    FLOATS(Float.BYTES) {
        @Override
        Object allocate(int length) {
            return new float[length];
        }

        @Override
        void decode(ByteBuffer chunk, Object array, int at, int count) {
            chunk.asFloatBuffer().get((float[]) array, at, count);
        }
    },
    DOUBLES(Double.BYTES) {
        @Override
        Object allocate(int length) {
            return new double[length];
        }

        @Override
        void decode(ByteBuffer chunk, Object array, int at, int count) {
            chunk.asDoubleBuffer().get((double[]) array, at, count);
        }
    },
    LONGS(Long.BYTES) {
        @Override
        Object allocate(int length) {
            return new long[length];
        }

        @Override
        void decode(ByteBuffer chunk, Object array, int at, int count) {
            chunk.asLongBuffer().get((long[]) array, at, count);
        }
    };

    /** Bytes copied at a time; small enough that a refused stream has cost little, a multiple of every element size. */
    static final int CHUNK_BYTES = 1 << 18;

    /** Bytes per element. */
    final int bytes;

    ElementCodec(int bytes) {
        this.bytes = bytes;
    }

    /** Elements in one chunk. */
    int perChunk() {
        return CHUNK_BYTES / bytes;
    }

    static ElementCodec of(DType dtype) {
        return switch (dtype) {
            case FLOAT16, BFLOAT16 -> SHORTS;
            case FLOAT32 -> FLOATS;
            case FLOAT64 -> DOUBLES;
            case INT64 -> LONGS;
        };
    }

    abstract Object allocate(int length);

    /** Copies {@code count} elements from the chunk's position (in its byte order) into {@code array} from index {@code at}. */
    abstract void decode(ByteBuffer chunk, Object array, int at, int count);
}
