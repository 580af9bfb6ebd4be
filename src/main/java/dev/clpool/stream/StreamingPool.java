package dev.clpool.stream;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PyramidPool;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pooling, pyramids and backward passes of tensors of any size, e.g. {@code .npy} files larger than memory:
 * read from a {@link ChunkSource}, computed by a {@link Clpool} a chunk of whole planes (whole batch elements in
 * channels last) at a time, and written to {@link ChunkSink}s as they are produced (see {@link ChunkStream}).
 * Every plane is computed on its own, so the results are bit for bit those of the whole tensor at once.
 *
 * <pre>{@code
 * try (Clpool clpool = Clpool.open(); ChunkSource x = NpySource.open(Path.of("big.npy"))) {
 *     StreamResult r = StreamingPool.pool(clpool, AdaptivePool.avg2d(OutputSize.of(7)), x,
 *             NpyFileSink.opener(Path.of("pooled.npy")), null, StreamOptions.defaults());
 * }
 * }</pre>
 */
public final class StreamingPool {
    private StreamingPool() {
    }

    /**
     * Pools {@code input} by {@code op}: values of the input's dtype and layout to {@code values}, and for
     * {@code withIndices} pooling int64 indices to {@code indices} ({@code null} otherwise).
     *
     * @throws IllegalArgumentException as {@link Clpool#pool(Tensor, AdaptivePool)} refuses the whole input, naming it
     */
    public static StreamResult pool(Clpool clpool, AdaptivePool op, ChunkSource input, ChunkSink.Opener values,
                                    ChunkSink.Opener indices, StreamOptions options) throws IOException {
        Objects.requireNonNull(clpool, "clpool");
        Objects.requireNonNull(values, "values");
        PoolPlan plan = Clpool.plan(input.shape(), input.dtype(), input.layout(), op);
        requireIndices(op.withIndices(), indices, op);
        List<ChunkStream.Output> outputs = new ArrayList<>();
        outputs.add(new ChunkStream.Output("values", input.dtype(), plan.outputShape(), input.layout(), values));
        if (indices != null) {
            outputs.add(new ChunkStream.Output("indices", DType.INT64, plan.outputShape(), input.layout(), indices));
        }
        // An empty result needs nothing of the input: only its header is written.
        List<ChunkSource> inputs = plan.isEmpty() ? List.of() : List.of(input);
        return ChunkStream.run(op.spatialRank(), inputs, outputs, (chunk, in, out) -> {
            if (!in.isEmpty()) {
                clpool.poolInto(in.get(0), op, out.get(0), indices == null ? null : out.get(1));
            }
        }, options);
    }

    /**
     * Pools {@code input} (float32, C order) to every level of {@code pyramid}, reading each chunk once: level
     * {@code i}'s values to {@code values.get(i)}, and for {@code withIndices} pyramids its indices to
     * {@code indices.get(i)} ({@code indices} is {@code null} otherwise).
     *
     * @throws IllegalArgumentException as {@link Clpool#pyramid} refuses the whole input, naming it
     */
    public static StreamResult pyramid(Clpool clpool, PyramidPool pyramid, ChunkSource input, List<ChunkSink.Opener> values,
                                       List<ChunkSink.Opener> indices, StreamOptions options) throws IOException {
        Objects.requireNonNull(clpool, "clpool");
        Objects.requireNonNull(pyramid, "pyramid");
        requireContiguousFloat32("input", input);
        PyramidPlan plan = PyramidPlan.of(input.shape(), pyramid);
        int levels = plan.levels().size();
        requireLevels("values", values, levels);
        requireIndices(pyramid.withIndices(), indices, pyramid);
        if (indices != null) {
            requireLevels("indices", indices, levels);
        }
        List<ChunkStream.Output> outputs = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            outputs.add(new ChunkStream.Output("values[" + l + "]", DType.FLOAT32, plan.levels().get(l).outputShape(),
                    Layout.CONTIGUOUS, values.get(l)));
        }
        for (int l = 0; indices != null && l < levels; l++) {
            outputs.add(new ChunkStream.Output("indices[" + l + "]", DType.INT64, plan.levels().get(l).outputShape(),
                    Layout.CONTIGUOUS, indices.get(l)));
        }
        List<ChunkSource> inputs = plan.isEmpty() ? List.of() : List.of(input);
        return ChunkStream.run(pyramid.spatialRank(), inputs, outputs, (chunk, in, out) -> {
            if (!in.isEmpty()) {
                clpool.pyramidInto(in.get(0), pyramid, out.subList(0, levels), indices == null ? null : out.subList(levels, 2 * levels));
            }
        }, options);
    }

    /**
     * The gradient of {@code op} with respect to an input shaped {@code inputShape}, as
     * {@link Clpool#backward(AdaptivePool, Shape, Tensor, Tensor)} computes it, to {@code gradInput} (float32, C
     * order): from {@code gradOutput} (float32, C order, the forward output's shape) and for max the forward
     * pass's {@code indices} (int64, C order, the same shape; {@code null} for avg).
     *
     * @throws IllegalArgumentException as {@link Clpool#backward(AdaptivePool, Shape, Tensor, Tensor)} refuses
     *     the whole tensors, naming the parameter; an index outside its bin is refused in the chunk that holds it
     */
    public static StreamResult backward(Clpool clpool, AdaptivePool op, Shape inputShape, ChunkSource gradOutput,
                                        ChunkSource indices, ChunkSink.Opener gradInput, StreamOptions options) throws IOException {
        Objects.requireNonNull(clpool, "clpool");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(gradInput, "gradInput");
        requireContiguousFloat32("gradOutput", gradOutput);
        BackwardPlan plan = BackwardPlan.of(inputShape, op, gradOutput.shape());
        boolean max = op.mode() == PoolMode.MAX;
        if (max && indices == null) {
            throw new IllegalArgumentException("indices: " + op.torchName() + "'s backward pass needs the indices of its"
                    + " forward pass (int64, shaped " + gradOutput.shape() + ")");
        }
        if (!max && indices != null) {
            throw new IllegalArgumentException("indices: " + op.torchName() + " has no indices; pass null");
        }
        if (indices != null && (indices.dtype() != DType.INT64 || !indices.shape().equals(gradOutput.shape())
                || indices.layout() != Layout.CONTIGUOUS)) {
            throw new IllegalArgumentException("indices: expected contiguous int64 shaped " + gradOutput.shape()
                    + " like gradOutput, got " + indices.dtype() + " " + indices.shape() + " " + indices.layout());
        }
        List<ChunkSource> inputs = indices == null ? List.of(gradOutput) : List.of(gradOutput, indices);
        ChunkStream.Output output = new ChunkStream.Output("gradInput", DType.FLOAT32, inputShape, Layout.CONTIGUOUS, gradInput);
        long outPlane = plan.forward().outputPlaneSize();
        return ChunkStream.run(op.spatialRank(), inputs, List.of(output), (chunk, in, out) -> {
            Shape chunkShape = out.get(0).shape();
            Tensor idx = indices == null ? null : in.get(1);
            if (idx != null) {
                // Checked here first, so that a refusal names the element in the whole tensor, not in the chunk.
                BackwardPlan.of(chunkShape, op, idx.shape()).checkIndices(idx, chunk.firstUnit() * outPlane);
            }
            clpool.backwardInto(op, chunkShape, in.get(0), idx, out.get(0));
        }, options);
    }

    private static void requireContiguousFloat32(String name, ChunkSource source) {
        Objects.requireNonNull(source, name);
        if (source.dtype() != DType.FLOAT32 || source.layout() != Layout.CONTIGUOUS) {
            throw new IllegalArgumentException(name + ": expected contiguous float32, got " + source.dtype() + " "
                    + source.layout());
        }
    }

    private static void requireIndices(boolean withIndices, Object indices, Object op) {
        if (withIndices && indices == null) {
            throw new IllegalArgumentException("indices: " + op + " returns indices; pass a sink for them, or pool without");
        }
        if (!withIndices && indices != null) {
            throw new IllegalArgumentException("indices: " + op + " returns no indices; pass null");
        }
    }

    private static void requireLevels(String name, List<ChunkSink.Opener> sinks, int levels) {
        if (sinks.size() != levels) {
            throw new IllegalArgumentException(name + ": " + sinks.size() + " sinks for " + levels + " levels");
        }
    }
}
