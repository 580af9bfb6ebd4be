package dev.clpool.opencl;

import dev.clpool.op.DevicePoolResult;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.Chunks;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pools on one or several OpenCL devices, each a {@link DeviceMember} with its own context, queue,
 * programs and buffers. Host tensors go through {@link ChunkLoop} in chunks of whole planes that fit every
 * device's largest allocation; with several devices each takes the next chunk when it is free. Device
 * tensors live on the first device. A failure that leaves a device's context or queue unusable ends that
 * call with its {@link ClException} (naming the device, with several), and that device's session is rebuilt
 * so that the next call works; the others are not touched.
 */
public final class OpenClBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);
    private static final AtomicBoolean CHAINING_WARNED = new AtomicBoolean();

    private final List<DeviceMember> members;
    private final OpenClOptions options;
    /** One thread per device while several share a call; null for one device. */
    private final ExecutorService workers;

    private OpenClBackend(List<DeviceMember> members, OpenClOptions options) {
        this.members = List.copyOf(members);
        this.options = options;
        this.workers = members.size() == 1 ? null : Executors.newFixedThreadPool(members.size(), daemon());
    }

    /** {@link #open(List, OpenClOptions)} of one device. */
    public static OpenClBackend open(DeviceInfo device, OpenClOptions options) {
        return open(List.of(device), options);
    }

    /**
     * Opens {@code devices} (as {@link OpenClDevices} reported them) and builds the kernels for each, or
     * loads them from the program cache; releases everything when one fails.
     *
     * @throws OpenClUnavailableException when a device is gone
     * @throws ProgramBuildException when the kernels do not build
     */
    public static OpenClBackend open(List<DeviceInfo> devices, OpenClOptions options) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("devices: at least one OpenCL device is needed");
        }
        List<DeviceMember> opened = new ArrayList<>();
        try {
            for (DeviceInfo device : devices) {
                ClDevice handles = OpenClDevices.handles(device);
                if (SignalChaining.isPocl(device) && !SignalChaining.active() && CHAINING_WARNED.compareAndSet(false, true)) {
                    LOG.warn("PoCL's LLVM replaces the JVM's SIGSEGV handler and the JVM can crash under load; start it with "
                            + "LD_PRELOAD={} (signal chaining) to prevent that",
                            SignalChaining.library().map(Path::toString).orElse("$JAVA_HOME/lib/libjsig.so"));
                }
                // The float32 average program is built (or loaded) up front, so that a device that cannot build
                // the kernels fails here; the others are built when first needed.
                opened.add(new DeviceMember(handles, options, DeviceSession.open(handles, options,
                        Set.of(new DeviceSession.ProgramKey(DType.FLOAT32, KernelMode.AVG)))));
            }
        } catch (RuntimeException e) {
            opened.forEach(DeviceMember::close);
            throw e;
        }
        return new OpenClBackend(opened, options);
    }

    private static ThreadFactory daemon() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "clpool-device-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /** The first device: device tensors live there, and the kernel choices named are its. */
    private DeviceMember first() {
        return members.get(0);
    }

    @Override
    public String kernelFor(PoolPlan plan, DType dtype, Layout layout) {
        requireSupported(dtype);
        return first().call(s -> PoolKernels.choose(PoolKernels.query(s, plan, dtype, layout, plan.planes()), options.kernel()).name);
    }

    @Override
    public String kernelFor(PyramidPlan plan) {
        return first().call(s -> PyramidKernels.choose(plan, plan.planes(), s.device(), s.tuning(), options.kernel()).label);
    }

    @Override
    public String kernelFor(BackwardPlan plan) {
        return BackwardKernels.NAME;
    }

    private void requireSupported(DType dtype) {
        members.forEach(m -> StoragePrograms.requireSupported(dtype, m.info()));
    }

    /** The largest buffer every device takes. */
    long maxAllocationBytes() {
        return members.stream().mapToLong(DeviceMember::maxAllocationBytes).min().orElseThrow();
    }

    /** Chunks of {@code units} units of {@code unitBytes}, sized for this backend's devices. */
    private Chunks chunks(long units, long unitBytes, String parameter, String unit, Shape shape) {
        return ChunkLoop.forDevices(Chunks.of(units, unitBytes, maxAllocationBytes(), parameter, unit, shape), members.size(),
                unitBytes);
    }

    /**
     * Pools host tensors of any floating-point dtype, layout and storage, in chunks of whole planes
     * (contiguous) or whole batch elements (channels last) that fit every device's largest allocation.
     *
     * @throws IllegalArgumentException for float64 on a device without cl_khr_fp64
     */
    @Override
    public void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
        DType dtype = input.dtype();
        requireSupported(dtype);
        boolean channelsLast = input.layout() == Layout.CHANNELS_LAST;
        long elementBytes = dtype.byteSize();
        // A unit is what one chunk holds whole: a plane, or a batch element's C planes in channels last.
        long unitPlanes = channelsLast ? Math.max(1, plan.inputShape().dim(1)) : 1;
        long inUnit = unitPlanes * plan.inputPlaneSize();
        long outUnit = unitPlanes * plan.outputPlaneSize();
        long unitBytes = Math.max(inUnit * elementBytes, outUnit * (indices != null ? Long.BYTES : elementBytes));
        Chunks chunks = chunks(plan.planes() / unitPlanes, unitBytes, "input", channelsLast ? "batch element" : "plane",
                plan.inputShape());
        ChunkLoop.run(members, workers, chunks, new ChunkLoop.Operation() {
            @Override
            public ChunkLoop.Runner on(DeviceSession s) {
                BinTables.Lease bins = s.binTable(plan);
                return new ChunkLoop.Runner() {
                    @Override
                    public void run(Chunks.Chunk c) {
                        try (HostChunk in = HostChunk.input(s, input, c.first() * inUnit, c.count() * inUnit);
                             HostChunk out = HostChunk.output(s, values, c.first() * outUnit, c.count() * outUnit);
                             HostChunk idx = indices == null ? null : HostChunk.output(s, indices, c.first() * outUnit, c.count() * outUnit)) {
                            PoolQuery q = PoolKernels.query(s, plan, dtype, input.layout(), c.count() * unitPlanes);
                            PoolKernels.run(s, q, options.kernel(), in.buffer(), bins.buffer, out.buffer(), idx == null ? null : idx.buffer());
                            out.drain();
                            if (idx != null) {
                                idx.drain();
                            }
                        }
                    }

                    @Override
                    public void close() {
                        bins.close();
                    }
                };
            }

            @Override
            public long inputBytes(Chunks.Chunk c) {
                return c.count() * inUnit * elementBytes;
            }
        });
    }

    @Override
    public void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices) {
        long outPlanes = plan.levels().stream().filter(l -> !l.isEmpty()).mapToLong(PoolPlan::outputPlaneSize).sum();
        long inPlaneBytes = plan.inputPlaneSize() * Float.BYTES;
        long unitBytes = Math.max(inPlaneBytes, outPlanes * (indices != null ? Long.BYTES : Float.BYTES));
        Chunks chunks = chunks(plan.planes(), unitBytes, "input", "plane and its levels", plan.inputShape());
        ChunkLoop.run(members, workers, chunks, new ChunkLoop.Operation() {
            @Override
            public ChunkLoop.Runner on(DeviceSession s) {
                return PyramidKernels.runner(s, plan, chunks.perChunk(), input, values, indices, options.kernel());
            }

            @Override
            public long inputBytes(Chunks.Chunk c) {
                return c.count() * inPlaneBytes;
            }
        });
    }

    @Override
    public void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        PoolPlan f = plan.forward();
        long unitBytes = Math.max(f.inputPlaneSize() * Float.BYTES, f.outputPlaneSize() * (indices != null ? Long.BYTES : Float.BYTES));
        Chunks chunks = chunks(f.planes(), unitBytes, "inputShape", "plane", f.inputShape());
        ChunkLoop.run(members, workers, chunks, new ChunkLoop.Operation() {
            @Override
            public ChunkLoop.Runner on(DeviceSession s) {
                return BackwardKernels.runner(s, plan, gradOutput, indices, gradInput);
            }

            @Override
            public long inputBytes(Chunks.Chunk c) {
                return c.count() * f.outputPlaneSize() * Float.BYTES;
            }
        });
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        requireSupported(host.dtype());
        long count = host.elementCount();
        checkAllocation(count, host.dtype().byteSize(), "input " + host.shape());
        long bytes = count * host.dtype().byteSize();
        DeviceMember m = first();
        return m.call(s -> {
            BufferPool.Lease buffer = count == 0 ? null : s.buffers.acquire(bytes);
            try {
                if (buffer != null) {
                    s.transfers.write(buffer.buffer, 0, HostRegion.of(host, 0, count));
                }
                return new ClTensor(m, s, host.shape(), host.dtype(), host.layout(), buffer);
            } catch (RuntimeException e) {
                if (buffer != null) {
                    buffer.close();
                }
                throw e;
            }
        });
    }

    @Override
    public void download(DeviceTensor tensor, Tensor target) {
        DeviceMember m = memberOf(tensor);
        m.call(s -> {
            ClTensor t = own(tensor, m, s);
            long n = target.elementCount();
            if (n > 0) {
                s.transfers.read(t.buffer(), 0, HostRegion.of(target, 0, n));
            }
            return null;
        });
    }

    @Override
    public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
        boolean withIndices = plan.op().withIndices();
        DType dtype = input.dtype();
        Layout layout = input.layout();
        requireSupported(dtype);
        Shape shape = plan.outputShape();
        long n = plan.outputElements();
        checkAllocation(n, withIndices ? Long.BYTES : dtype.byteSize(), "output " + shape);
        DeviceMember m = memberOf(input);
        return m.call(s -> {
            ClTensor in = own(input, m, s);
            if (plan.isEmpty()) {
                return new DevicePoolResult(new ClTensor(m, s, shape, dtype, layout, null),
                        withIndices ? new ClTensor(m, s, shape, DType.INT64, layout, null) : null, 0);
            }
            BufferPool.Lease out = s.buffers.acquire(n * dtype.byteSize());
            BufferPool.Lease idx = null;
            try (BinTables.Lease bins = s.binTable(plan)) {
                idx = withIndices ? s.buffers.acquire(n * Long.BYTES) : null;
                PoolQuery q = PoolKernels.query(s, plan, dtype, layout, plan.planes());
                long nanos = PoolKernels.run(s, q, options.kernel(), in.buffer(), bins.buffer, out.buffer, idx == null ? null : idx.buffer);
                return new DevicePoolResult(new ClTensor(m, s, shape, dtype, layout, out),
                        idx == null ? null : new ClTensor(m, s, shape, DType.INT64, layout, idx), nanos);
            } catch (RuntimeException e) {
                out.close();
                if (idx != null) {
                    idx.close();
                }
                throw e;
            }
        });
    }

    /** The devices' copy bandwidths, summed, device memory to device memory: the ceiling of the whole engine. */
    @Override
    public OptionalDouble copyBandwidthGbps(long bytes, int runs) {
        double sum = 0;
        for (DeviceMember m : members) {
            sum += m.call(s -> DeviceMeasurements.copyBandwidth(s, Math.min(bytes, m.maxAllocationBytes()), runs));
        }
        return OptionalDouble.of(sum);
    }

    /**
     * What the first device's own pinned copies reach ({@code clEnqueueWrite/ReadBuffer} from mapped pinned
     * memory, the PCIe ceiling), and what {@link #upload} and {@link #download} of a heap tensor reach.
     */
    @Override
    public Optional<TransferRates> transferRates(long bytes, int runs) {
        DeviceMember m = first();
        return Optional.of(m.call(s -> DeviceMeasurements.transfers(s, Math.min(bytes, m.maxAllocationBytes()), runs)));
    }

    @Override
    public List<DeviceShare> shares() {
        return members.stream().map(m -> new DeviceShare(m.description(), m.chunks(), m.bytes())).toList();
    }

    private DeviceMember memberOf(DeviceTensor tensor) {
        if (!(tensor instanceof ClTensor t) || !members.contains(t.member)) {
            throw new IllegalArgumentException("input: " + tensor + " does not belong to this backend (" + description() + ")");
        }
        return t.member;
    }

    private static ClTensor own(DeviceTensor tensor, DeviceMember m, DeviceSession s) {
        ClTensor t = (ClTensor) tensor;
        if (t.session != s) {
            throw new IllegalStateException("input: " + tensor + " was on " + m.description() + " before its session was"
                    + " rebuilt after an OpenCL failure; upload it again");
        }
        return t;
    }

    /** Refuses {@code elements} elements of {@code elementBytes} above the first device's cap; never overflows. */
    private void checkAllocation(long elements, int elementBytes, String name) {
        long cap = first().maxAllocationBytes();
        if (elements > cap / elementBytes) {
            String bytes = elements > Long.MAX_VALUE / elementBytes ? "more than 2^63 bytes" : elements * elementBytes + " bytes";
            throw new IllegalArgumentException(name + ": " + elements + " elements (" + bytes + ") exceed the device's"
                    + " largest allocation (" + cap + " bytes); pool host tensors, which are split into chunks, instead");
        }
    }

    @Override
    public String description() {
        return "OpenCL: " + members.stream().map(DeviceMember::description).collect(Collectors.joining(" + "));
    }

    @Override
    public boolean isOpenCl() {
        return true;
    }

    @Override
    public void close() {
        members.forEach(DeviceMember::close);
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
