package dev.clpool.stream;

/** Told after each chunk is written how far a {@link ChunkStream} run is, in bytes read plus written. */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    /** Called from the writing thread, {@code done} growing to {@code total}. */
    void update(long bytesDone, long bytesTotal);
}
