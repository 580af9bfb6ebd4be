package dev.clpool.cli;

import dev.clpool.stream.StreamOptions;
import picocli.CommandLine.Option;

/** {@code --chunk-size}: how much of a file is read, computed and written at a time. */
final class StreamingOptions {
    @Option(names = "--chunk-size", paramLabel = "BYTES", converter = Converters.ByteSize.class, defaultValue = "64m",
            description = "Files of any size are read, pooled and written a chunk at a time, so memory stays bounded: the "
                    + "most bytes of any one array in a chunk, in whole planes (whole batch elements for nhwc; one plane "
                    + "when a plane alone is larger), e.g. 4096, 512k, 64m (default), 1g.")
    private long chunkBytes;

    /** The options of a run, its progress drawn by {@code progress}. */
    StreamOptions options(TransferProgress progress) {
        return StreamOptions.defaults().withChunkBytes(chunkBytes).withProgress(progress);
    }
}
