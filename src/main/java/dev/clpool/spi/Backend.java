package dev.clpool.spi;

import dev.clpool.Clpool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import dev.clpool.cpu.JavaBackward;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;

/**
 * Where pooling runs: the Java path or an OpenCL device. {@link Clpool} validates, plans and allocates
 * host results; a backend moves data and computes. Implementations are safe to call from several
 * threads at once.
 */
public interface Backend extends AutoCloseable {

    /**
     * Computes a non-empty plan from host to host: reads {@code input} (C order,
     * {@code plan.inputShape()}) and writes every element of {@code values} and, when not {@code null},
     * of {@code indices} (C order, {@code plan.outputShape()}). Never writes {@code input}.
     */
    void pool(PoolPlan plan, float[] input, float[] values, long[] indices);

    /**
     * Computes a pyramid from host to host: for each level {@code l} with output elements, writes every
     * element of {@code values[l]} and, when {@code indices} is not {@code null}, of {@code indices[l]},
     * as {@link #pool} would for that level alone; levels without output elements are left alone. The
     * default pools level by level; backends override it to read the input once for all levels.
     */
    default void pyramid(PyramidPlan plan, float[] input, float[][] values, long[][] indices) {
        for (int l = 0; l < plan.levels().size(); l++) {
            PoolPlan level = plan.levels().get(l);
            if (!level.isEmpty()) {
                pool(level, input, values[l], indices == null ? null : indices[l]);
            }
        }
    }

    /**
     * Computes a non-trivial backward plan from host to host, as a gather (see {@link BackwardPlan}):
     * reads {@code gradOutput} and, for max, {@code indices} (C order, the forward output's shape; the
     * indices already checked to lie in their bins) and writes every element of {@code gradInput} (C
     * order, the input's shape). The default computes on the Java path.
     */
    default void backward(BackwardPlan plan, float[] gradOutput, long[] indices, float[] gradInput) {
        JavaBackward.backward(plan, gradOutput, indices, gradInput);
    }

    /**
     * Computes a non-empty plan from host to host for any floating-point storage type and layout:
     * reads {@code input} and writes every element of {@code values} (the input's dtype and layout,
     * {@code plan.outputShape()}) and, when not {@code null}, of {@code indices} (int64, the same layout).
     * Never writes {@code input}. {@link Clpool} calls it for every input but contiguous float32, which
     * goes to {@link #pool(PoolPlan, float[], float[], long[])}; this default refuses the rest.
     *
     * @throws UnsupportedOperationException for a dtype or layout this backend does not compute
     */
    default void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
        if (input.dtype() == DType.FLOAT32 && input.layout() == Layout.CONTIGUOUS) {
            pool(plan, input.floats(), values.floats(), indices == null ? null : indices.int64s());
            return;
        }
        throw new UnsupportedOperationException(description() + " does not pool " + input.dtype() + " " + input.layout()
                + " tensors");
    }

    /** Copies a host tensor (any floating-point dtype and layout) to the device. */
    DeviceTensor upload(Tensor host);

    /** Copies a device tensor of this backend's to the host. */
    Tensor download(DeviceTensor tensor);

    /** Computes a plan on a device tensor of this backend's, leaving the results on the device. */
    DevicePoolResult pool(PoolPlan plan, DeviceTensor input);

    /** A one-line description of the device, e.g. {@code "OpenCL: NVIDIA H200 (NVIDIA CUDA, GPU, 0:0)"}. */
    String description();

    /** True for an OpenCL device, false for the Java path. */
    boolean isOpenCl();

    /** Releases what the backend holds; idempotent, never throws. */
    @Override
    void close();
}
