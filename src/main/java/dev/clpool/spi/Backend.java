package dev.clpool.spi;

import dev.clpool.op.DevicePoolResult;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where pooling runs: the Java path or OpenCL devices. {@code Clpool} validates, plans and allocates the
 * results; a backend moves data and computes, for every dtype, layout and kind of host storage (Java
 * arrays or NIO buffers) the plan allows. A backend never writes its inputs and writes every element of
 * its outputs. Implementations are safe to call from several threads at once.
 */
public interface Backend extends AutoCloseable {

    /** A one-line description of where this backend computes, e.g. {@code "OpenCL: NVIDIA H200 (NVIDIA CUDA, GPU, 0:0)"}. */
    String description();

    /** True for OpenCL devices, false for the Java path. */
    boolean isOpenCl();

    /** The name of the kernel (or Java loop) that pools {@code plan} for an input of {@code dtype} in {@code layout}. */
    String kernelFor(PoolPlan plan, DType dtype, Layout layout);

    /** The name of the kernel (or method) that computes {@code plan}. */
    String kernelFor(PyramidPlan plan);

    /** The name of the kernel (or Java loop) that computes {@code plan}. */
    String kernelFor(BackwardPlan plan);

    /**
     * Pools a non-empty plan from host to host: reads {@code input} ({@code plan.inputShape()}, any
     * floating dtype and layout the plan allows) and writes {@code values} (the input's dtype and layout,
     * {@code plan.outputShape()}) and, when not {@code null}, {@code indices} (int64, the same layout).
     */
    void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices);

    /**
     * Computes a pyramid from host to host (contiguous float32): for each level {@code l} with output
     * elements, writes {@code values.get(l)} and, when {@code indices} is not {@code null},
     * {@code indices.get(l)}, as {@link #pool} would for that level alone.
     */
    void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices);

    /**
     * Computes a non-trivial backward plan from host to host, as a gather (see {@link BackwardPlan}):
     * reads {@code gradOutput} and, for max, {@code indices} (contiguous, the forward output's shape; the
     * indices already checked to lie in their bins) and writes every element of {@code gradInput}
     * (contiguous float32, the input's shape).
     */
    void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput);

    /** Copies a host tensor (any floating-point dtype and layout) to the device. */
    DeviceTensor upload(Tensor host);

    /** Copies a device tensor of this backend's into {@code target} (its shape, dtype and layout). */
    void download(DeviceTensor tensor, Tensor target);

    /** Computes a plan on a device tensor of this backend's, leaving the results on the device. */
    DevicePoolResult pool(PoolPlan plan, DeviceTensor input);

    /**
     * The memory's copy bandwidth in GB/s (bytes read plus written) over {@code bytes} bytes, median of
     * {@code runs}: the ceiling for memory-bound pooling, against which benchmarks are measured.
     */
    OptionalDouble copyBandwidthGbps(long bytes, int runs);

    /** Host-device transfer rates, for backends with memory of their own; empty where there is no transfer. */
    Optional<TransferRates> transferRates(long bytes, int runs);

    /** What each of the backend's devices has done (chunks and bytes): how host work was split; empty for the Java path. */
    List<DeviceShare> shares();

    /** Releases what the backend holds; idempotent, never throws. */
    @Override
    void close();
}
