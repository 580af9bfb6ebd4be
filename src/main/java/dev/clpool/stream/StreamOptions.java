package dev.clpool.stream;

import java.util.Objects;

/**
 * How a {@link ChunkStream} run cuts its tensors and reports its progress.
 *
 * @param chunkBytes the most bytes of any one tensor (input or result) in a chunk: a chunk holds as many whole
 *     planes (batch elements in channels last) as fit, and at least one, however large
 * @param progress told after each chunk is written
 */
public record StreamOptions(long chunkBytes, ProgressListener progress) {
    /** 64 MiB: large enough that per-chunk costs vanish, small enough that a few chunks fit in a small heap. */
    public static final long DEFAULT_CHUNK_BYTES = 64L << 20;

    public StreamOptions {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes: expected at least 1 byte, got " + chunkBytes);
        }
        Objects.requireNonNull(progress, "progress");
    }

    /** 64 MiB chunks, no progress reports. */
    public static StreamOptions defaults() {
        return new StreamOptions(DEFAULT_CHUNK_BYTES, ProgressListener.NONE);
    }

    public StreamOptions withChunkBytes(long bytes) {
        return new StreamOptions(bytes, progress);
    }

    public StreamOptions withProgress(ProgressListener listener) {
        return new StreamOptions(chunkBytes, listener);
    }
}
