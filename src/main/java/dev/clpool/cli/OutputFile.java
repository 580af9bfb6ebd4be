package dev.clpool.cli;

import dev.clpool.stream.ChunkSink;
import dev.clpool.stream.NpyFileSink;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/** A {@code .npy} output written as it is produced, whose failures say {@code cannot write FILE: why}, as the command line always has. */
final class OutputFile implements ChunkSink {
    private final Path file;
    private final ChunkSink sink;

    private OutputFile(Path file, ChunkSink sink) {
        this.file = file;
        this.sink = sink;
    }

    /** Opens {@code file} once the result's shape is known. */
    static ChunkSink.Opener opener(Path file) {
        return (dtype, shape, layout) -> {
            try {
                return new OutputFile(file, NpyFileSink.create(file, dtype, shape, layout));
            } catch (IOException e) {
                throw cannotWrite(file, e);
            }
        };
    }

    @Override
    public void write(Tensor chunk) throws IOException {
        try {
            sink.write(chunk);
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    @Override
    public void commit() throws IOException {
        try {
            sink.commit();
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }

    static IOException cannotWrite(Path file, IOException e) {
        return new IOException("cannot write " + file + ": " + ErrorReporter.describe(e), e);
    }
}
