package dev.clpool.stream;

/**
 * What a {@link ChunkStream} run did and how fast.
 *
 * @param chunks how many chunks it cut
 * @param bytesRead bytes of the inputs, every source's
 * @param bytesWritten bytes of the results, every sink's
 * @param nanos wall time, from opening the sinks to their commit
 */
public record StreamResult(long chunks, long bytesRead, long bytesWritten, long nanos) {
    public double seconds() {
        return nanos / 1e9;
    }

    /** Bytes read plus written per second, in GB/s (10^9 bytes); 0 for a run that took no measurable time. */
    public double gbps() {
        return nanos == 0 ? 0 : (bytesRead + bytesWritten) / (double) nanos;
    }
}
