package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A result gathered into a tensor on the Java heap as its chunks come: for results small enough to hold (a
 * pyramid's levels, say) of inputs that are not. Pass it as the {@link ChunkSink.Opener}; after the run,
 * {@link #tensor()} is the result.
 */
public final class HeapSink implements ChunkSink.Opener {
    private static final int COPY_BYTES = 1 << 16;

    private Tensor tensor;

    /**
     * @throws IllegalArgumentException when the result has more elements than a Java array holds
     */
    @Override
    public ChunkSink open(DType dtype, Shape shape, Layout layout) {
        Tensor target = Tensor.zeros(dtype, shape, layout);
        ByteBuffer copy = ByteBuffer.allocate(COPY_BYTES).order(ByteOrder.nativeOrder());
        return new ChunkSink() {
            private long at;

            @Override
            public void write(Tensor chunk) {
                int step = COPY_BYTES / dtype.byteSize();
                for (long from = 0; from < chunk.elementCount(); from += step) {
                    int n = (int) Math.min(step, chunk.elementCount() - from);
                    chunk.copyTo(from, copy, n);
                    target.copyFrom(at + from, copy, n);
                }
                at += chunk.elementCount();
            }

            @Override
            public void commit() {
                if (at != target.elementCount()) {
                    throw new IllegalStateException(at + " of " + target.elementCount() + " elements written; nothing committed");
                }
                tensor = target;
            }

            @Override
            public void close() {
                // nothing to release: an uncommitted result is dropped with this sink
            }
        };
    }

    /**
     * The committed result.
     *
     * @throws IllegalStateException before a run committed it
     */
    public Tensor tensor() {
        if (tensor == null) {
            throw new IllegalStateException("no result committed to this sink yet");
        }
        return tensor;
    }
}
