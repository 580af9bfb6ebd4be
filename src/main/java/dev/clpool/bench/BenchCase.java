package dev.clpool.bench;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Shape;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** One benchmark shape: an input shape and an output size. */
public record BenchCase(Shape input, OutputSize outputSize) {

    /** {@code [64,512,14,14]→7×7}, the form the tables use. */
    public String label() {
        return shapeText(input) + "→" + outputText();
    }

    /** {@code 64,512,14,14}. */
    public static String shapeText(Shape shape) {
        return "[" + LongStream.of(shape.toArray()).mapToObj(Long::toString).collect(Collectors.joining(",")) + "]";
    }

    /** {@code 7×7} for a 2-d output of the given size (the resolved sizes when "none" appears). */
    public String outputText() {
        long[] in = {input.dim(-2), input.dim(-1)};
        long[] out = outputSize.resolve(in);
        return out[0] + "×" + out[1];
    }

    /** The 2-d pooling to this output size in {@code mode}, max with its indices (as PyTorch computes them). */
    AdaptivePool op(PoolMode mode) {
        return mode == PoolMode.AVG ? AdaptivePool.avg2d(outputSize) : AdaptivePool.max2d(outputSize, true);
    }
}
