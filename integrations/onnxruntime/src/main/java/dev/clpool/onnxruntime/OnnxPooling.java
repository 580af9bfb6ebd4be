package dev.clpool.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.Objects;

/**
 * Adaptive pooling between ONNX Runtime sessions: ONNX has no adaptive pooling, and PyTorch cannot export one whose
 * output size does not divide the input, so a model is cut at the pool and clpool computes it with PyTorch's results.
 *
 * <pre>{@code
 * try (OrtSession.Result features = backbone.run(Map.of("input", x));
 *      OnnxPoolResult avg = OnnxPooling.pool(clpool, (OnnxTensor) features.get(0), AdaptivePool.avg2d(size), env);
 *      OrtSession.Result logits = head.run(Map.of("avg", avg.values()))) { ... }
 * }</pre>
 *
 * <p>The results are written by clpool into direct memory that ONNX Runtime reads in place (no copy on the way
 * out); the input is read as {@link OnnxTensors#toTensor} reads it.
 */
public final class OnnxPooling {
    private OnnxPooling() {
    }

    /**
     * Pools an ONNX tensor (FLOAT, FLOAT16, BFLOAT16 or DOUBLE, C order): the values in the input's element type,
     * and for max pooling with indices the int64 index of each maximum within its plane, as PyTorch returns them.
     * An input ONNX Runtime allocated itself (a session's output) is copied once into the Java heap; to pool it
     * several times, convert it once with {@link OnnxTensors#toTensor} and pool the tensor.
     *
     * @throws IllegalArgumentException naming the input and what is wrong: its element type, its rank or sizes for
     *     {@code op}, before anything is copied
     * @throws OrtException when ONNX Runtime refuses to wrap the results
     */
    public static OnnxPoolResult pool(Clpool clpool, OnnxTensor input, AdaptivePool op, OrtEnvironment env)
            throws OrtException {
        Objects.requireNonNull(clpool, "clpool");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(env, "env");
        OnnxTypes.poolable("input", input);
        try {
            PoolPlan.of(Shape.of(input.getInfo().getShape()), Objects.requireNonNull(op, "op"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + OnnxTypes.describe(input) + ")", e);
        }
        return pool(clpool, OnnxTensors.toTensor(input), op, env);
    }

    /**
     * Pools a clpool tensor (any storage and layout clpool takes) into ONNX tensors, e.g. one ONNX Runtime output
     * converted once and pooled twice, as an AdaptiveConcatPool2d does.
     *
     * @throws IllegalArgumentException as {@link Clpool#pool(Tensor, AdaptivePool)}
     * @throws OrtException when ONNX Runtime refuses to wrap the results
     */
    public static OnnxPoolResult pool(Clpool clpool, Tensor input, AdaptivePool op, OrtEnvironment env) throws OrtException {
        Objects.requireNonNull(clpool, "clpool");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(env, "env");
        Shape output = PoolPlan.of(input.shape(), Objects.requireNonNull(op, "op")).outputShape();
        // ONNX tensors are in C order only: a channels-last input is reordered first (a copy).
        Tensor contiguous = input.layout() == Layout.CONTIGUOUS ? input : input.toLayout(Layout.CONTIGUOUS);
        SharedOnnxTensor values = OnnxTensors.allocate(env, contiguous.dtype(), output);
        SharedOnnxTensor indices = null;
        try {
            indices = op.withIndices() ? OnnxTensors.allocate(env, DType.INT64, output) : null;
            clpool.poolInto(contiguous, op, values.tensor(), indices == null ? null : indices.tensor());
            return new OnnxPoolResult(values.onnxTensor(), indices == null ? null : indices.onnxTensor());
        } catch (OrtException | RuntimeException e) {
            values.close();
            if (indices != null) {
                indices.close();
            }
            throw e;
        }
    }
}
