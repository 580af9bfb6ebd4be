package dev.clpool.cli;

import dev.clpool.stream.ChunkSource;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;

/**
 * An input file streamed a chunk at a time whose read failures (a deflated member found corrupt midway) are bad
 * input naming the option, as when the whole file was read up front.
 */
final class InputFile implements ChunkSource {
    private final ChunkSource source;
    private final String option;

    InputFile(ChunkSource source, String option) {
        this.source = source;
        this.option = option;
    }

    @Override
    public DType dtype() {
        return source.dtype();
    }

    @Override
    public Shape shape() {
        return source.shape();
    }

    @Override
    public Layout layout() {
        return source.layout();
    }

    /** The array in memory order, as the file declares it: {@code (N, H, W, C)} for nhwc. */
    Shape physicalShape() {
        return layout().physicalShape(shape());
    }

    @Override
    public Tensor next(int count) {
        try {
            return source.next(count);
        } catch (IOException e) {
            throw new BadInputException(option + " " + ErrorReporter.describe(e), e);
        }
    }

    @Override
    public void release(Tensor chunk) {
        source.release(chunk);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
