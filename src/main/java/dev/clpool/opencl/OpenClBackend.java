package dev.clpool.opencl;

import dev.clpool.spi.Backend;
import dev.clpool.spi.TransferRates;
import dev.clpool.tensor.DType;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.Chunks;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.jocl.CL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pools on one OpenCL device through a {@link DeviceSession}. Each call owns its buffers and kernel
 * objects, so calls from several threads share no mutable state but the transfer route, which
 * serialises itself. A failure that leaves the context or queue unusable ends that call with its
 * {@link ClException}, and the session is rebuilt so that the next call works.
 */
public final class OpenClBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);
    private static final AtomicBoolean CHAINING_WARNED = new AtomicBoolean();
    /** Statuses after which a context or queue cannot be trusted: the session is rebuilt. */
    private static final Set<Integer> SESSION_LOST = Set.of(CL.CL_OUT_OF_RESOURCES, CL.CL_DEVICE_NOT_AVAILABLE,
            CL.CL_INVALID_CONTEXT, CL.CL_INVALID_COMMAND_QUEUE, CL.CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);

    private final ClDevice device;
    private final OpenClOptions options;
    /** Calls hold the read lock while they use the session; replacing it takes the write lock. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private DeviceSession session;
    private boolean closed;

    private OpenClBackend(ClDevice device, OpenClOptions options, DeviceSession session) {
        this.device = device;
        this.options = options;
        this.session = session;
    }

    /**
     * Opens {@code device} (one that {@link OpenClDevices} reported) and builds the kernels for it, or
     * loads them from the program cache.
     *
     * @throws OpenClUnavailableException when the device is gone
     * @throws ProgramBuildException when the kernels do not build
     */
    public static OpenClBackend open(DeviceInfo device, OpenClOptions options) {
        ClDevice handles = OpenClDevices.handles(device);
        if (SignalChaining.isPocl(device) && !SignalChaining.active() && CHAINING_WARNED.compareAndSet(false, true)) {
            LOG.warn("PoCL's LLVM replaces the JVM's SIGSEGV handler and the JVM can crash under load; start it with "
                    + "LD_PRELOAD={} (signal chaining) to prevent that",
                    SignalChaining.library().map(Path::toString).orElse("$JAVA_HOME/lib/libjsig.so"));
        }
        // The float32 average program is built (or loaded) up front, so that a device that cannot build the
        // kernels fails here; the others are built when first needed.
        return new OpenClBackend(handles, options, DeviceSession.open(handles, options,
                Set.of(new DeviceSession.ProgramKey(DType.FLOAT32, KernelMode.AVG))));
    }

    @Override
    public String kernelFor(PoolPlan plan, DType dtype, Layout layout) {
        StoragePrograms.requireSupported(dtype, device.info());
        return call(s -> PoolKernels.choose(PoolKernels.query(s, plan, dtype, layout, plan.planes()), options.kernel()).name);
    }

    @Override
    public String kernelFor(PyramidPlan plan) {
        return call(s -> PyramidKernels.choose(plan, plan.planes(), s.device(), s.tuning(), options.kernel()).label);
    }

    @Override
    public String kernelFor(BackwardPlan plan) {
        return BackwardKernels.NAME;
    }

    /**
     * Pools host tensors of any floating-point dtype, layout and storage, in chunks of whole planes
     * (contiguous) or whole batch elements (channels last) that fit the device's largest allocation.
     *
     * @throws IllegalArgumentException for float64 on a device without cl_khr_fp64
     */
    @Override
    public void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
        DType dtype = input.dtype();
        StoragePrograms.requireSupported(dtype, device.info());
        boolean channelsLast = input.layout() == Layout.CHANNELS_LAST;
        long elementBytes = dtype.byteSize();
        // A unit is what one chunk holds whole: a plane, or a batch element's C planes in channels last.
        long unitPlanes = channelsLast ? Math.max(1, plan.inputShape().dim(1)) : 1;
        long inUnit = unitPlanes * plan.inputPlaneSize();
        long outUnit = unitPlanes * plan.outputPlaneSize();
        Chunks chunks = Chunks.of(plan.planes() / unitPlanes, Math.max(inUnit * elementBytes,
                outUnit * (indices != null ? Long.BYTES : elementBytes)), maxAllocationBytes(), "input",
                channelsLast ? "batch element" : "plane", plan.inputShape());
        call(s -> {
            try (ClBuffer bins = s.binTable(plan)) {
                for (long k = 0; k < chunks.count(); k++) {
                    Chunks.Chunk c = chunks.get(k);
                    try (BufferPool.Lease in = s.buffers.acquire(c.count() * inUnit * elementBytes);
                         BufferPool.Lease out = s.buffers.acquire(c.count() * outUnit * elementBytes);
                         BufferPool.Lease idx = indices == null ? null : s.buffers.acquire(c.count() * outUnit * Long.BYTES)) {
                        s.transfers.write(in.buffer, 0, HostRegion.of(input, c.first() * inUnit, c.count() * inUnit));
                        PoolQuery q = PoolKernels.query(s, plan, dtype, input.layout(), c.count() * unitPlanes);
                        PoolKernels.run(s, q, options.kernel(), in.buffer, bins, out.buffer, idx == null ? null : idx.buffer);
                        s.transfers.read(out.buffer, 0, HostRegion.of(values, c.first() * outUnit, c.count() * outUnit));
                        if (idx != null) {
                            s.transfers.read(idx.buffer, 0, HostRegion.of(indices, c.first() * outUnit, c.count() * outUnit));
                        }
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices) {
        long cap = maxAllocationBytes();
        call(s -> {
            PyramidKernels.run(s, plan, input, values, indices, options.kernel(), cap);
            return null;
        });
    }

    @Override
    public void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        long cap = maxAllocationBytes();
        call(s -> {
            BackwardKernels.run(s, plan, gradOutput, indices, gradInput, cap);
            return null;
        });
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        StoragePrograms.requireSupported(host.dtype(), device.info());
        long count = host.elementCount();
        checkAllocation(count, host.dtype().byteSize(), "input " + host.shape());
        long bytes = count * host.dtype().byteSize();
        return call(s -> {
            BufferPool.Lease buffer = count == 0 ? null : s.buffers.acquire(bytes);
            try {
                if (buffer != null) {
                    s.transfers.write(buffer.buffer, 0, HostRegion.of(host, 0, count));
                }
                return new ClTensor(this, s, host.shape(), host.dtype(), host.layout(), buffer);
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
        call(s -> {
            ClTensor t = own(tensor, s);
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
        StoragePrograms.requireSupported(dtype, device.info());
        Shape shape = plan.outputShape();
        long n = plan.outputElements();
        checkAllocation(n, withIndices ? Long.BYTES : dtype.byteSize(), "output " + shape);
        return call(s -> {
            ClTensor in = own(input, s);
            if (plan.isEmpty()) {
                return new DevicePoolResult(new ClTensor(this, s, shape, dtype, layout, null),
                        withIndices ? new ClTensor(this, s, shape, DType.INT64, layout, null) : null, 0);
            }
            BufferPool.Lease out = s.buffers.acquire(n * dtype.byteSize());
            BufferPool.Lease idx = null;
            try (ClBuffer bins = s.binTable(plan)) {
                idx = withIndices ? s.buffers.acquire(n * Long.BYTES) : null;
                PoolQuery q = PoolKernels.query(s, plan, dtype, layout, plan.planes());
                long nanos = PoolKernels.run(s, q, options.kernel(), in.buffer(), bins, out.buffer, idx == null ? null : idx.buffer);
                return new DevicePoolResult(new ClTensor(this, s, shape, dtype, layout, out),
                        idx == null ? null : new ClTensor(this, s, shape, DType.INT64, layout, idx), nanos);
            } catch (RuntimeException e) {
                out.close();
                if (idx != null) {
                    idx.close();
                }
                throw e;
            }
        });
    }

    /** The better of {@code clEnqueueCopyBuffer} and clpool's copy kernel, device memory to device memory. */
    @Override
    public OptionalDouble copyBandwidthGbps(long bytes, int runs) {
        return OptionalDouble.of(call(s -> DeviceMeasurements.copyBandwidth(s, Math.min(bytes, maxAllocationBytes()), runs)));
    }

    /**
     * What the device's own pinned copies reach ({@code clEnqueueWrite/ReadBuffer} from mapped pinned
     * memory, the PCIe ceiling), and what {@link #upload} and {@link #download} of a heap tensor reach.
     */
    @Override
    public Optional<TransferRates> transferRates(long bytes, int runs) {
        return Optional.of(call(s -> DeviceMeasurements.transfers(s, Math.min(bytes, maxAllocationBytes()), runs)));
    }

    /**
     * Runs {@code work} on the current session. When it fails with a status that leaves the session
     * unusable, the session is rebuilt (once the calls still using it are done) before the failure is
     * rethrown, so that the next call succeeds.
     */
    private <T> T call(Function<DeviceSession, T> work) {
        DeviceSession s;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this OpenCL backend (" + description() + ") is closed");
            }
            s = session;
            try {
                return work.apply(s);
            } catch (ClException e) {
                if (!SESSION_LOST.contains(e.status())) {
                    throw e;
                }
                lock.readLock().unlock();
                try {
                    rebuild(s, e);
                } finally {
                    lock.readLock().lock();
                }
                throw e;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private void rebuild(DeviceSession failed, ClException cause) {
        lock.writeLock().lock();
        try {
            if (closed || session != failed) {
                return; // closed meanwhile, or another call rebuilt it already
            }
            LOG.warn("OpenCL session on {} lost ({}); rebuilding it", device.info().name(), cause.getMessage());
            // The replacement holds what the failed session held: the programs built so far.
            DeviceSession fresh = DeviceSession.open(device, options, failed.programKeys());
            failed.close();
            session = fresh;
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("rebuilding the OpenCL session failed; the next call will try again: {}", e.toString());
        } finally {
            lock.writeLock().unlock();
        }
    }

    private ClTensor own(DeviceTensor tensor, DeviceSession s) {
        if (!(tensor instanceof ClTensor t) || t.owner != this) {
            throw new IllegalArgumentException("input: " + tensor + " does not belong to this backend (" + description() + ")");
        }
        if (t.session != s) {
            throw new IllegalStateException("input: " + tensor + " was on the device before its session was rebuilt"
                    + " after an OpenCL failure; upload it again");
        }
        return t;
    }

    /** The largest buffer this backend allocates: the configured cap, else the device's own limit. */
    long maxAllocationBytes() {
        long cap = options.maxAllocationBytes();
        return cap > 0 ? Math.min(cap, device.info().maxAllocationBytes()) : device.info().maxAllocationBytes();
    }

    /** Refuses {@code elements} elements of {@code elementBytes} above the cap; never overflows, whatever the count. */
    private void checkAllocation(long elements, int elementBytes, String name) {
        long cap = maxAllocationBytes();
        if (elements > cap / elementBytes) {
            String bytes = elements > Long.MAX_VALUE / elementBytes ? "more than 2^63 bytes" : elements * elementBytes + " bytes";
            throw new IllegalArgumentException(name + ": " + elements + " elements (" + bytes + ") exceed the device's"
                    + " largest allocation (" + cap + " bytes); pool host tensors, which are split into chunks, instead");
        }
    }

    @Override
    public String description() {
        return "OpenCL: " + device.info().describe();
    }

    @Override
    public boolean isOpenCl() {
        return true;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
