package dev.clpool;

import dev.clpool.cpu.JavaBackend;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClBackend;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.spi.Backend;
import dev.clpool.spi.DeviceShare;
import dev.clpool.spi.TransferRates;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * several threads at once. Host tensors may be Java arrays or NIO buffers (see {@link Tensor}); results
 * come back in the same kind of storage as the input. A Clpool is a scope for the device tensors it hands
 * out: {@link #close()} closes those still open and releases the device, after which every call, and every
 * use of its device tensors, throws {@link IllegalStateException}.
 */
public final class Clpool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Clpool.class);
    private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();

    private final Backend backend;
    private final List<DeviceInfo> openClDevices;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The device tensors handed out and not yet closed. */
    private final Set<ScopedTensor> scope = ConcurrentHashMap.newKeySet();

    private Clpool(Backend backend, List<DeviceInfo> openClDevices) {
        this.backend = backend;
        this.openClDevices = List.copyOf(openClDevices);
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
        return open(selector, OpenClOptions.defaults());
    }

    /**
     * Opens a device with OpenCL settings of the caller's (a kernel to force, an allocation cap, the
     * program cache); the Java path ignores them.
     *
     * @throws OpenClUnavailableException when OpenCL, or the device asked for, is missing
     */
    public static Clpool open(DeviceSelector selector, OpenClOptions options) {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(options, "options");
        if (selector instanceof DeviceSelector.Java) {
            return new Clpool(new JavaBackend(), List.of());
        }
        if (selector instanceof DeviceSelector.Auto) {
            try {
                return openCl(List.of(OpenClDevices.automaticChoice()), options);
            } catch (OpenClUnavailableException e) {
                if (FALLBACK_WARNED.compareAndSet(false, true)) {
                    LOG.warn("OpenCL is not available, pooling on the Java path: {}", e.getMessage());
                } else {
                    LOG.debug("OpenCL is not available, pooling on the Java path: {}", e.getMessage());
                }
                return new Clpool(new JavaBackend(), List.of());
            }
        }
        return openCl(openClDevices(selector), options);
    }

    /**
     * Opens several devices, each named as {@link DeviceSelector#parse} takes it (OpenCL devices only), to
     * share every call's work: e.g. {@code List.of("0:0", "0:1")}.
     */
    public static Clpool open(List<String> devices) {
        return open(new DeviceSelector.Several(devices.stream().map(DeviceSelector::parse).toList()), OpenClOptions.defaults());
    }

    private static Clpool openCl(List<DeviceInfo> devices, OpenClOptions options) {
        return new Clpool(OpenClBackend.open(devices, options), devices);
    }

    /** The OpenCL device a selector of one device names. */
    private static DeviceInfo openClDevice(DeviceSelector selector) {
        if (selector instanceof DeviceSelector.Named named) {
            return OpenClDevices.named(named.fragment());
        }
        if (selector instanceof DeviceSelector.Indexed ix) {
            return OpenClDevices.indexed(ix.platform(), ix.device());
        }
        return OpenClDevices.automaticChoice();
    }

    /** The OpenCL devices an explicit selector names, each once. */
    private static List<DeviceInfo> openClDevices(DeviceSelector selector) {
        List<DeviceInfo> devices = new ArrayList<>();
        if (selector instanceof DeviceSelector.Several several) {
            several.members().forEach(m -> devices.add(openClDevice(m)));
        } else if (selector instanceof DeviceSelector.AllGpus) {
            OpenClDevices.list().stream().filter(DeviceInfo::isGpu).forEach(devices::add);
            if (devices.isEmpty()) {
                throw new OpenClUnavailableException("device gpus: no OpenCL GPU; devices: " + OpenClDevices.list().stream()
                        .map(DeviceInfo::describe).toList());
            }
        } else {
            devices.add(openClDevice(selector));
        }
        for (int i = 0; i < devices.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (devices.get(i).index().equals(devices.get(j).index())) {
                    throw new IllegalArgumentException("device: " + devices.get(i).describe() + " is named twice");
                }
            }
        }
        return devices;
    }

    /** A Clpool over a backend of the caller's; it is closed with the Clpool. */
    public static Clpool using(Backend backend) {
        return new Clpool(Objects.requireNonNull(backend, "backend"), List.of());
    }

    /**
     * Runs one pooling. The input is read, never written; the results are new and the caller's, in the
     * input's kind of storage (Java arrays for arrays, page-aligned direct memory for buffers). The values
     * have the input's dtype and layout; averages are summed in float32 (float64 for float64 inputs) and
     * rounded to the input's dtype once, as PyTorch's CPU kernels do. Indices are int64, in the input's
     * layout, and spatial ({@code h * W + w}) in every layout.
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
        PoolPlan plan = poolablePlan(input.shape(), input.dtype(), input.layout(), op);
        plan.outputArrayLength(); // refuses outputs no array or buffer holds, naming the output size
        Tensor values = input.like(input.dtype(), plan.outputShape(), input.layout());
        Tensor indices = op.withIndices() ? input.like(DType.INT64, plan.outputShape(), input.layout()) : null;
        if (!plan.isEmpty()) {
            backend.pool(plan, input, values, indices);
        }
        return new PoolResult(values, indices);
    }

    /**
     * Runs one pooling into tensors of the caller's, e.g. direct memory another library reads without a
     * copy: {@code values} of the input's dtype and layout and the output's shape, and for
     * {@code withIndices} pooling {@code indices} (int64, the same shape and layout; {@code null}
     * otherwise). Neither may overlap the input. When the call fails, their contents are unspecified.
     *
     * @throws IllegalArgumentException as {@link #pool(Tensor, AdaptivePool)}, or when a target does not fit
     */
    public void poolInto(Tensor input, AdaptivePool op, Tensor values, Tensor indices) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(values, "values");
        requireOpen();
        PoolPlan plan = poolablePlan(input.shape(), input.dtype(), input.layout(), op);
        requireTarget("values", values, input.dtype(), plan.outputShape(), input.layout());
        if (op.withIndices()) {
            requireTarget("indices", Objects.requireNonNull(indices, "indices"), DType.INT64, plan.outputShape(), input.layout());
        } else if (indices != null) {
            throw new IllegalArgumentException("indices: " + op + " returns no indices; pass null");
        }
        if (!plan.isEmpty()) {
            backend.pool(plan, input, values, indices);
        }
    }

    private static void requireTarget(String name, Tensor t, DType dtype, Shape shape, Layout layout) {
        if (t.dtype() != dtype || !t.shape().equals(shape) || t.layout() != layout) {
            throw new IllegalArgumentException(name + ": expected " + dtype + " " + shape + " " + layout + ", got " + t);
        }
    }

    /**
     * Pyramid pooling: the input pooled to every level's output size, reading the input once (per block
     * of planes that fits in cache or, on OpenCL, in a work-group's local memory; planes too large for
     * local memory are pooled level by level). Level {@code i} of the result is bit for bit
     * {@code pool(input, pyramid.level(i))}.
     *
     * @return one result per level, in the pyramid's order
     * @throws IllegalArgumentException for an input or a level's output size PyTorch refuses, naming it
     */
    public List<PoolResult> pyramid(Tensor input, PyramidPool pyramid) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(pyramid, "pyramid");
        requireOpen();
        requireContiguousFloat32("input", "pyramids", input);
        PyramidPlan plan = PyramidPlan.of(input.shape(), pyramid);
        List<Tensor> values = new ArrayList<>();
        List<Tensor> indices = pyramid.withIndices() ? new ArrayList<>() : null;
        for (PoolPlan level : plan.levels()) {
            level.outputArrayLength();
            values.add(input.like(DType.FLOAT32, level.outputShape(), Layout.CONTIGUOUS));
            if (indices != null) {
                indices.add(input.like(DType.INT64, level.outputShape(), Layout.CONTIGUOUS));
            }
        }
        if (!plan.isEmpty()) {
            backend.pyramid(plan, input, values, indices);
        }
        List<PoolResult> results = new ArrayList<>();
        for (int l = 0; l < values.size(); l++) {
            results.add(new PoolResult(values.get(l), indices == null ? null : indices.get(l)));
        }
        return results;
    }

    /**
     * Pyramid pooling into tensors of the caller's: {@code values.get(i)} (float32, contiguous, level
     * {@code i}'s output shape) and for {@code withIndices} pyramids {@code indices.get(i)} (int64, the same
     * shape; {@code indices} is {@code null} otherwise), as {@link #pyramid(Tensor, PyramidPool)} fills them.
     * When the call fails, their contents are unspecified.
     *
     * @throws IllegalArgumentException as {@link #pyramid(Tensor, PyramidPool)}, or when a target does not fit
     */
    public void pyramidInto(Tensor input, PyramidPool pyramid, List<Tensor> values, List<Tensor> indices) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(pyramid, "pyramid");
        Objects.requireNonNull(values, "values");
        requireOpen();
        requireContiguousFloat32("input", "pyramids", input);
        PyramidPlan plan = PyramidPlan.of(input.shape(), pyramid);
        requireTargets("values", values, DType.FLOAT32, plan);
        if (pyramid.withIndices()) {
            requireTargets("indices", Objects.requireNonNull(indices, "indices"), DType.INT64, plan);
        } else if (indices != null) {
            throw new IllegalArgumentException("indices: " + pyramid + " returns no indices; pass null");
        }
        if (!plan.isEmpty()) {
            backend.pyramid(plan, input, List.copyOf(values), indices == null ? null : List.copyOf(indices));
        }
    }

    private static void requireTargets(String name, List<Tensor> targets, DType dtype, PyramidPlan plan) {
        if (targets.size() != plan.levels().size()) {
            throw new IllegalArgumentException(name + ": " + targets.size() + " tensors for " + plan.levels().size() + " levels");
        }
        for (int l = 0; l < targets.size(); l++) {
            requireTarget(name + "[" + l + "]", Objects.requireNonNull(targets.get(l), name + "[" + l + "]"), dtype,
                    plan.levels().get(l).outputShape(), Layout.CONTIGUOUS);
        }
    }

    private static void requireContiguousFloat32(String name, String what, Tensor t) {
        if (t.dtype() != DType.FLOAT32 || t.layout() != Layout.CONTIGUOUS) {
            throw new IllegalArgumentException(name + ": " + what + " take contiguous float32 tensors, got " + t.dtype() + " "
                    + t.layout());
        }
    }

    /** {@code [F.adaptive_avg_pool2d(input, s) for s in sizes]} in one pass, e.g. sizes 1, 2, 3, 6 (PSPNet). */
    public List<Tensor> adaptiveAvgPyramid2d(Tensor input, long... sizes) {
        return pyramid(input, PyramidPool.avg2d(sizes)).stream().map(PoolResult::values).toList();
    }

    /** {@code [F.adaptive_max_pool2d(input, s, return_indices=True) for s in sizes]} in one pass, e.g. sizes 1, 2, 4 (SPP-net). */
    public List<PoolResult> adaptiveMaxPyramid2d(Tensor input, long... sizes) {
        return pyramid(input, PyramidPool.max2d(true, sizes));
    }

    /**
     * The gradient of an average pooling with respect to its input: {@code backward(op, inputShape,
     * gradOutput, null)}.
     */
    public Tensor backward(AdaptivePool op, Shape inputShape, Tensor gradOutput) {
        return backward(op, inputShape, gradOutput, null);
    }

    /**
     * The gradient of a pooling with respect to its input, given the gradient with respect to its
     * output: what PyTorch's autograd computes for {@code adaptive_{avg,max}_pool{1,2,3}d}.
     *
     * <ul>
     *   <li>avg: each input cell gets the sum of {@code gradOutput[o] / kd / kh / kw} over the output
     *       cells {@code o} whose bins contain it;</li>
     *   <li>max: each input cell gets the sum of {@code gradOutput[o]} over the output cells whose max
     *       index ({@code indices[o]}, from the forward pass) is that cell.</li>
     * </ul>
     * Computed as a gather on every path (each input cell sums its contributions itself, from +0 in
     * row-major order of the output cells), so the result is the same bits on every run, on the Java
     * path and on every OpenCL device with correctly rounded division; the order is libtorch's CPU
     * order, so it is libtorch's result bit for bit (outside its mean() shortcut for all-ones outputs).
     * PyTorch CUDA's backward adds with atomics, in no fixed order.
     *
     * @param op the forward pooling; its output size must give {@code gradOutput}'s shape ({@code withIndices} is ignored)
     * @param inputShape the forward input's shape, checked as the forward pass checks it
     * @param gradOutput float32, the forward output's shape
     * @param indices for max: int64, the forward output's shape, each in its output cell's bin (as the
     *     forward pass returns them); for avg: {@code null}
     * @return float32, {@code inputShape}
     * @throws IllegalArgumentException naming the parameter and the value
     */
    public Tensor backward(AdaptivePool op, Shape inputShape, Tensor gradOutput, Tensor indices) {
        BackwardPlan plan = backwardPlan(op, inputShape, gradOutput, indices);
        long n = inputShape.elementCount();
        if (n > Tensor.MAX_ELEMENTS) {
            throw new IllegalArgumentException("inputShape " + inputShape + ": the gradient would have " + n
                    + " elements, more than a Java array holds (" + Tensor.MAX_ELEMENTS + ")");
        }
        Tensor gradInput = gradOutput.like(DType.FLOAT32, inputShape, Layout.CONTIGUOUS);
        if (!plan.isTrivial()) {
            if (indices != null) {
                plan.checkIndices(indices, 0);
            }
            backend.backward(plan, gradOutput, indices, gradInput);
        }
        return gradInput;
    }

    /**
     * The gradient of a pooling with respect to its input, as {@link #backward(AdaptivePool, Shape, Tensor, Tensor)}
     * computes it, into {@code gradInput} of the caller's (float32, contiguous, {@code inputShape}; any storage,
     * not overlapping the other tensors). When the call fails, its contents are unspecified.
     *
     * @throws IllegalArgumentException as {@link #backward(AdaptivePool, Shape, Tensor, Tensor)}, or when
     *     {@code gradInput} does not fit
     */
    public void backwardInto(AdaptivePool op, Shape inputShape, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        Objects.requireNonNull(gradInput, "gradInput");
        BackwardPlan plan = backwardPlan(op, inputShape, gradOutput, indices);
        requireTarget("gradInput", gradInput, DType.FLOAT32, inputShape, Layout.CONTIGUOUS);
        if (plan.isTrivial()) {
            zero(gradInput);
            return;
        }
        if (indices != null) {
            plan.checkIndices(indices, 0);
        }
        backend.backward(plan, gradOutput, indices, gradInput);
    }

    /** Fills a float32 tensor with +0, a block at a time. */
    private static void zero(Tensor t) {
        float[] zeros = new float[(int) Math.min(t.elementCount(), 1 << 16)];
        for (long at = 0; at < t.elementCount(); at += zeros.length) {
            t.writeFloats(at, zeros, 0, (int) Math.min(zeros.length, t.elementCount() - at));
        }
    }

    /** Checks a backward pass's arguments before anything runs. */
    private BackwardPlan backwardPlan(AdaptivePool op, Shape inputShape, Tensor gradOutput, Tensor indices) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(gradOutput, "gradOutput");
        requireOpen();
        requireContiguousFloat32("gradOutput", "backward passes", gradOutput);
        BackwardPlan plan = BackwardPlan.of(inputShape, op, gradOutput.shape());
        if (op.mode() == PoolMode.MAX) {
            if (indices == null) {
                throw new IllegalArgumentException("indices: " + op.torchName() + "'s backward pass needs the indices of its"
                        + " forward pass (int64, shaped " + gradOutput.shape() + ")");
            }
            if (indices.dtype() != DType.INT64 || !indices.shape().equals(gradOutput.shape())
                    || indices.layout() != Layout.CONTIGUOUS) {
                throw new IllegalArgumentException("indices: expected contiguous int64 shaped " + gradOutput.shape()
                        + " like gradOutput, got " + indices.dtype() + " " + indices.shape() + " " + indices.layout());
            }
        } else if (indices != null) {
            throw new IllegalArgumentException("indices: " + op.torchName() + " has no indices; pass null");
        }
        return plan;
    }

    /** {@code adaptive_avg_pool2d}'s gradient: the output size is {@code gradOutput}'s last two sizes. */
    public Tensor adaptiveAvgPool2dBackward(Tensor gradOutput, Shape inputShape) {
        return backward(AdaptivePool.avg2d(outputSizeOf(gradOutput, 2)), inputShape, gradOutput, null);
    }

    /** {@code adaptive_max_pool2d}'s gradient from the forward pass's indices; the output size is {@code gradOutput}'s. */
    public Tensor adaptiveMaxPool2dBackward(Tensor gradOutput, Shape inputShape, Tensor indices) {
        return backward(AdaptivePool.max2d(outputSizeOf(gradOutput, 2), true), inputShape, gradOutput, indices);
    }

    /** The output size a gradient of the output implies: its last {@code spatialRank} sizes. */
    private static OutputSize outputSizeOf(Tensor gradOutput, int spatialRank) {
        Objects.requireNonNull(gradOutput, "gradOutput");
        Shape s = gradOutput.shape();
        if (s.rank() < spatialRank + 1) {
            throw new IllegalArgumentException("gradOutput: shape " + s + " has fewer than " + (spatialRank + 1) + " dimensions");
        }
        long[] sizes = new long[spatialRank];
        for (int a = 0; a < spatialRank; a++) {
            sizes[a] = s.dim(s.rank() - spatialRank + a);
        }
        return OutputSize.of(sizes);
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
        return track(backend.upload(host));
    }

    /**
     * Pools a tensor already on the device; the results stay there until {@link #download}ed, and belong to
     * this Clpool's scope as the input does.
     *
     * @throws IllegalArgumentException for an input or output size PyTorch refuses, or a tensor of another Clpool
     */
    public DevicePoolResult pool(DeviceTensor input, AdaptivePool op) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(op, "op");
        requireOpen();
        DeviceTensor in = own(input, "input");
        PoolPlan plan = poolablePlan(input.shape(), input.dtype(), input.layout(), op);
        DevicePoolResult r = backend.pool(plan, in);
        return new DevicePoolResult(track(r.values()), r.indices() == null ? null : track(r.indices()), r.kernelNanos());
    }

    /** Copies a device tensor of this Clpool's into a new tensor on the Java heap. */
    public Tensor download(DeviceTensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        return download(tensor, Tensor.zeros(tensor.dtype(), tensor.shape(), tensor.layout()));
    }

    /**
     * Copies a device tensor of this Clpool's into {@code target} (its dtype, shape and layout; any storage)
     * and returns it.
     */
    public Tensor download(DeviceTensor tensor, Tensor target) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(target, "target");
        requireOpen();
        DeviceTensor t = own(tensor, "tensor");
        requireTarget("target", target, tensor.dtype(), tensor.shape(), tensor.layout());
        backend.download(t, target);
        return target;
    }

    /** The backend's tensor behind one of this Clpool's device tensors. */
    private DeviceTensor own(DeviceTensor tensor, String name) {
        if (!(tensor instanceof ScopedTensor t) || t.owner != this) {
            throw new IllegalArgumentException(name + ": " + tensor + " does not belong to this Clpool (" + backend.description() + ")");
        }
        return t.inner();
    }

    private ScopedTensor track(DeviceTensor inner) {
        ScopedTensor t = new ScopedTensor(this, inner);
        scope.add(t);
        if (closed.get()) { // closed meanwhile: nobody else will close it
            t.close();
            requireOpen();
        }
        return t;
    }

    /** A device tensor of this scope's was closed by its holder. */
    void forget(ScopedTensor tensor) {
        scope.remove(tensor);
    }

    /** {@code F.adaptive_avg_pool1d(input, outputSize)} for a float32 (C, L) or (N, C, L) tensor. */
    public Tensor adaptiveAvgPool1d(Tensor input, OutputSize outputSize) {
        return pool(input, AdaptivePool.avg1d(outputSize)).values();
    }

    /** {@code F.adaptive_max_pool1d(input, outputSize, return_indices=True)}: values and int64 indices along L. */
    public PoolResult adaptiveMaxPool1d(Tensor input, OutputSize outputSize) {
        return pool(input, AdaptivePool.max1d(outputSize, true));
    }

    /** {@code F.adaptive_avg_pool3d(input, outputSize)} for a float32 (C, D, H, W) or (N, C, D, H, W) tensor. */
    public Tensor adaptiveAvgPool3d(Tensor input, OutputSize outputSize) {
        return pool(input, AdaptivePool.avg3d(outputSize)).values();
    }

    /**
     * {@code F.adaptive_max_pool3d(input, outputSize, return_indices=True)}: values and int64 indices,
     * {@code (d * H + h) * W + w} within the input's volume.
     */
    public PoolResult adaptiveMaxPool3d(Tensor input, OutputSize outputSize) {
        return pool(input, AdaptivePool.max3d(outputSize, true));
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

    /**
     * What each device has done since this Clpool opened (chunks of whole planes and their input bytes):
     * how host work was split over several devices. Empty on the Java path.
     */
    public List<DeviceShare> shares() {
        return backend.shares();
    }

    /** The OpenCL devices this Clpool opened, as they report themselves; empty on the Java path. */
    public List<DeviceInfo> openClDevices() {
        return openClDevices;
    }

    /**
     * The kernel (or Java loop) that pools {@code input} by {@code op} here, as the DEBUG launch lines name it,
     * e.g. {@code tiled}, {@code planes} or {@code avg-planes8}.
     */
    public String kernelFor(Tensor input, AdaptivePool op) {
        PoolPlan plan = poolablePlan(input.shape(), input.dtype(), input.layout(), op);
        return backend.kernelFor(plan, input.dtype(), input.layout());
    }

    /** The kernel (or method) that computes {@code pyramid} of an input shaped {@code inputShape} here. */
    public String kernelFor(Shape inputShape, PyramidPool pyramid) {
        return backend.kernelFor(PyramidPlan.of(inputShape, pyramid));
    }

    /** The kernel (or Java loop) that computes the backward pass of {@code op} on an input shaped {@code inputShape} here. */
    public String backwardKernelFor(AdaptivePool op, Shape inputShape) {
        PoolPlan forward = PoolPlan.of(inputShape, op);
        return backend.kernelFor(BackwardPlan.of(inputShape, op, forward.outputShape()));
    }

    /** The device memory's copy bandwidth in GB/s, bytes read plus written: the ceiling benchmarks are measured against. */
    public OptionalDouble copyBandwidthGbps(long bytes, int runs) {
        requireOpen();
        return backend.copyBandwidthGbps(bytes, runs);
    }

    /** Host-device transfer rates, where the device has memory of its own to transfer to (empty on the Java path). */
    public Optional<TransferRates> transferRates(long bytes, int runs) {
        requireOpen();
        return backend.transferRates(bytes, runs);
    }

    private static void requireFloatingPoint(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("input: dtype " + dtype + " is not supported; expected float16, bfloat16,"
                    + " float32 or float64");
        }
    }

    /**
     * Checks a pooling of an input of this shape, dtype and layout as {@link #pool(Tensor, AdaptivePool)} checks
     * it, without running it: e.g. before pooling a large input a part at a time.
     *
     * @throws IllegalArgumentException as {@link #pool(Tensor, AdaptivePool)}, naming the parameter and the value
     */
    public static PoolPlan plan(Shape shape, DType dtype, Layout layout, AdaptivePool op) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(op, "op");
        return poolablePlan(shape, dtype, layout, op);
    }

    /**
     * The plan of one pooling of an input of this shape, dtype and layout, host or device: floating point only, and
     * channels last pools a batched input only: (N, C, H, W) for 2-d, (N, C, D, H, W) for 3-d.
     */
    private static PoolPlan poolablePlan(Shape shape, DType dtype, Layout layout, AdaptivePool op) {
        requireFloatingPoint(dtype);
        PoolPlan plan = PoolPlan.of(shape, op);
        int spatial = op.spatialRank();
        if (layout == Layout.CHANNELS_LAST && shape.rank() != spatial + 2) {
            throw new IllegalArgumentException("input: " + op.torchName() + " of a channels_last tensor needs a batched "
                    + (spatial + 2) + "-d input, got shape " + shape);
        }
        return plan;
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Clpool (" + backend.description() + ") is closed");
        }
    }

    /** Closes the device tensors still open in this scope and releases the device; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (ScopedTensor t : List.copyOf(scope)) {
                t.close();
            }
            backend.close();
        }
    }
}
