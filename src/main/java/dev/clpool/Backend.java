package dev.clpool;

import dev.clpool.cpu.JavaBackward;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;

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
     * Computes a non-trivial backward plan from host to host, as a gather (see {@link BackwardPlan}):
     * reads {@code gradOutput} and, for max, {@code indices} (C order, the forward output's shape; the
     * indices already checked to lie in their bins) and writes every element of {@code gradInput} (C
     * order, the input's shape). The default computes on the Java path.
     */
    default void backward(BackwardPlan plan, float[] gradOutput, long[] indices, float[] gradInput) {
        JavaBackward.backward(plan, gradOutput, indices, gradInput);
    }

    /** Copies a float32 host tensor to the device. */
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
