package dev.clpool.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import dev.clpool.tensor.Tensor;

/**
 * One block of direct memory seen as a clpool {@link Tensor} and as an {@link OnnxTensor}: what either writes, the
 * other reads, without a copy. Closing it closes the ONNX tensor (its native handle); the memory itself is the
 * Java buffer's, freed by the garbage collector once neither view is reachable.
 */
public final class SharedOnnxTensor implements AutoCloseable {
    private final Tensor tensor;
    private final OnnxTensor onnxTensor;

    SharedOnnxTensor(Tensor tensor, OnnxTensor onnxTensor) {
        this.tensor = tensor;
        this.onnxTensor = onnxTensor;
    }

    /** The clpool view: direct, native byte order, C order. */
    public Tensor tensor() {
        return tensor;
    }

    /** The ONNX Runtime view, e.g. an input or a pinned output of {@code OrtSession.run}. */
    public OnnxTensor onnxTensor() {
        return onnxTensor;
    }

    @Override
    public void close() {
        onnxTensor.close();
    }
}
