package dev.clpool;

import dev.clpool.cpu.JavaBackend;
import dev.clpool.opencl.OpenClBackend;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.plan.PoolPlan;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: adaptive pooling with PyTorch's results on an OpenCL device or the Java path.
 *
 * <pre>{@code
 * try (Clpool clpool = Clpool.open()) {                  // a GPU if any, else OpenCL, else Java
 *     Tensor x = Tensor.of(data, 1, 64, 8, 9);
 *     Tensor avg = clpool.adaptiveAvgPool2d(x, OutputSize.of(5, 7));
 *     PoolResult max = clpool.adaptiveMaxPool2d(x, OutputSize.ofNullable(null, 7L));
 * }
 * }</pre>
 *
 * <p>Every input is checked before any device is touched, and a bad one raises an
 * {@link IllegalArgumentException} naming the parameter and the value. One instance may be used from
 * several threads at once; {@link #close()} releases the device, after which calls throw
 * {@link IllegalStateException}.
 */
public final class Clpool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Clpool.class);
    /** Java arrays hold at most this many elements (a little under 2^31, as the JDK's own limit). */
    static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();

    private final Backend backend;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Clpool(Backend backend) {
        this.backend = backend;
    }

    /** Opens the device that {@link DeviceSelector#fromEnvironment()} names ({@code auto} by default). */
    public static Clpool open() {
        return open(DeviceSelector.fromEnvironment());
    }

    /** Opens the device a {@link DeviceSelector} text names: {@code auto}, {@code cpu}, {@code opencl}, {@code P:D} or a name. */
    public static Clpool open(String device) {
        return open(DeviceSelector.parse(device));
    }

    /**
     * Opens a device. {@code auto} falls back to the Java path, with one warning per JVM, when OpenCL is
     * missing; any explicit OpenCL choice fails instead.
     *
     * @throws OpenClUnavailableException when OpenCL, or the device asked for, is missing
     */
    public static Clpool open(DeviceSelector selector) {
        Objects.requireNonNull(selector, "selector");
        if (selector instanceof DeviceSelector.Java) {
            return new Clpool(new JavaBackend());
        }
        if (selector instanceof DeviceSelector.Auto) {
            try {
                return new Clpool(OpenClBackend.open(DeviceSelector.opencl()));
            } catch (OpenClUnavailableException e) {
                if (FALLBACK_WARNED.compareAndSet(false, true)) {
                    LOG.warn("OpenCL is not available, pooling on the Java path: {}", e.getMessage());
                } else {
                    LOG.debug("OpenCL is not available, pooling on the Java path: {}", e.getMessage());
                }
                return new Clpool(new JavaBackend());
            }
        }
        return new Clpool(OpenClBackend.open(selector));
    }

    /** A Clpool over a backend of the caller's; it is closed with the Clpool. */
    public static Clpool using(Backend backend) {
        return new Clpool(Objects.requireNonNull(backend, "backend"));
    }

    /**
     * Runs one pooling. The input is read, never written; the result's arrays are new and the caller's.
     * The values have the input's dtype and layout; averages are summed in float32 (float64 for float64
     * inputs) and rounded to the input's dtype once, as PyTorch's CPU kernels do. Indices are int64, in
     * the input's layout, and spatial ({@code h * W + w}) in every layout.
     *
     * @throws IllegalArgumentException for an input or output size PyTorch refuses, naming it, an int64
     *     input, a channels_last input that is not batched, or float64 on an OpenCL device without
     *     {@code cl_khr_fp64}
     * @throws IllegalStateException after {@link #close()}
     */
    public PoolResult pool(Tensor input, AdaptivePool op) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(op, "op");
        requireOpen();
        requireFloatingPoint(input.dtype());
        PoolPlan plan = PoolPlan.of(input.shape(), op);
        requirePoolableLayout(input.layout(), plan);
        int n = hostArrayLength(plan);
        if (input.dtype() != DType.FLOAT32 || input.layout() != Layout.CONTIGUOUS) {
            // Results in the input's dtype and layout, as PyTorch's (its suggest_memory_format).
            Tensor values = Tensor.zeros(input.dtype(), plan.outputShape(), input.layout());
            Tensor indices = op.withIndices() ? Tensor.zeros(DType.INT64, plan.outputShape(), input.layout()) : null;
            if (!plan.isEmpty()) {
                backend.pool(plan, input, values, indices);
            }
            return new PoolResult(values, indices);
        }
        float[] values = new float[n];
        long[] indices = op.withIndices() ? new long[n] : null;
        if (!plan.isEmpty()) {
            backend.pool(plan, input.floats(), values, indices);
        }
        return new PoolResult(Tensor.of(values, plan.outputShape()),
                indices == null ? null : Tensor.ofInt64(indices, plan.outputShape()));
    }

    /**
     * Copies a host tensor (float16, bfloat16, float32 or float64, any layout) to the device (on the Java
     * path, to a private copy), to pool it there as often as needed. Close it, or the result, to free the
     * device memory.
     *
     * @throws IllegalArgumentException for int64, or float64 on an OpenCL device without {@code cl_khr_fp64}
     */
    public DeviceTensor upload(Tensor host) {
        Objects.requireNonNull(host, "host");
        requireOpen();
        requireFloatingPoint(host.dtype());
        return backend.upload(host);
    }

    /**
     * Pools a tensor already on the device; the results stay there until {@link #download}ed.
     *
     * @throws IllegalArgumentException for an input or output size PyTorch refuses, or a tensor of another Clpool
     */
    public DevicePoolResult pool(DeviceTensor input, AdaptivePool op) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(op, "op");
        requireOpen();
        requireFloatingPoint(input.dtype());
        PoolPlan plan = PoolPlan.of(input.shape(), op);
        requirePoolableLayout(input.layout(), plan);
        return backend.pool(plan, input);
    }

    /** Copies a device tensor of this Clpool's to the host. */
    public Tensor download(DeviceTensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        requireOpen();
        return backend.download(tensor);
    }

    /** {@code F.adaptive_avg_pool2d(input, outputSize)} for a (C, H, W) or (N, C, H, W) tensor of a floating-point dtype. */
    public Tensor adaptiveAvgPool2d(Tensor input, OutputSize outputSize) {
        return pool(input, AdaptivePool.avg2d(outputSize)).values();
    }

    /** {@code F.adaptive_max_pool2d(input, outputSize, return_indices=True)}: values and int64 indices. */
    public PoolResult adaptiveMaxPool2d(Tensor input, OutputSize outputSize) {
        return pool(input, AdaptivePool.max2d(outputSize, true));
    }

    /** Where this Clpool computes, e.g. {@code OpenCL: NVIDIA H200 (NVIDIA CUDA, GPU, 0:0)} or {@code Java (2 cores)}. */
    public String device() {
        return backend.description();
    }

    /** True when pooling runs on an OpenCL device, false on the Java path. */
    public boolean isOpenCl() {
        return backend.isOpenCl();
    }

    private static int hostArrayLength(PoolPlan plan) {
        long n = plan.outputElements();
        if (n > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("outputSize " + plan.op().outputSize() + ": the output " + plan.outputShape()
                    + " would have " + n + " elements, more than a Java array holds (" + MAX_ARRAY_LENGTH + ")");
        }
        return (int) n;
    }

    private static void requireFloatingPoint(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("input: dtype " + dtype + " is not supported; expected float16, bfloat16,"
                    + " float32 or float64");
        }
    }

    /** Channels last pools a batched input only: (N, C, H, W) for 2-d, (N, C, D, H, W) for 3-d. */
    private static void requirePoolableLayout(Layout layout, PoolPlan plan) {
        int spatial = plan.op().spatialRank();
        if (layout == Layout.CHANNELS_LAST && plan.inputShape().rank() != spatial + 2) {
            throw new IllegalArgumentException("input: " + plan.op().torchName() + " of a channels_last tensor needs a batched "
                    + (spatial + 2) + "-d input, got shape " + plan.inputShape());
        }
    }

    /** The backend this Clpool runs on, e.g. to ask an {@link dev.clpool.opencl.OpenClBackend} which kernel a plan gets. */
    public Backend backend() {
        return backend;
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Clpool (" + backend.description() + ") is closed");
        }
    }

    /** Releases the device; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            backend.close();
        }
    }
}
