package dev.clpool.onnxruntime;

import ai.onnxruntime.OnnxTensor;

/**
 * What {@link OnnxPooling} returns: ONNX tensors over the direct memory clpool wrote, to feed a session without a
 * copy. Closing it closes both.
 */
public final class OnnxPoolResult implements AutoCloseable {
    private final OnnxTensor values;
    private final OnnxTensor indices;

    OnnxPoolResult(OnnxTensor values, OnnxTensor indices) {
        this.values = values;
        this.indices = indices;
    }

    /** The pooled values, in the input's element type, shaped like PyTorch's output. */
    public OnnxTensor values() {
        return values;
    }

    /** INT64 indices of the maxima within each input plane ({@code h * W + w} in 2-d), or {@code null} when not asked for. */
    public OnnxTensor indices() {
        return indices;
    }

    @Override
    public void close() {
        values.close();
        if (indices != null) {
            indices.close();
        }
    }
}
