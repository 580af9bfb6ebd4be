package dev.clpool.opencl;

import dev.clpool.AdaptivePool;
import dev.clpool.Backend;
import dev.clpool.DType;
import dev.clpool.DevicePoolResult;
import dev.clpool.DeviceSelector;
import dev.clpool.DeviceTensor;
import dev.clpool.OutputSize;
import dev.clpool.Shape;
import dev.clpool.Tensor;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jocl.CL;
import org.jocl.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pools on one OpenCL device. Owns the device's context, an in-order queue, the built program and the
 * host transfer route; each call owns its buffers and kernel objects, so calls from several threads
 * share no mutable state but the transfer route, which serialises itself.
 */
public final class OpenClBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);
    private static final AtomicBoolean CHAINING_WARNED = new AtomicBoolean();
    private static final String PROGRAM = "pooling";
    /** Idle device memory kept for reuse at most (a quarter of the device's, if less). */
    private static final long IDLE_BUFFER_BYTES = 4L << 30;

    private final ClDevice device;
    private final OpenClOptions options;
    private final ClContext context;
    private final ClQueue queue;
    private final ClProgram program;
    private final Transfers transfers;
    private final BufferPool buffers;
    private final PoolKernels kernels;

    private OpenClBackend(ClDevice device, OpenClOptions options, ClContext context, ClQueue queue, ClProgram program) {
        this.device = device;
        this.options = options;
        this.context = context;
        this.queue = queue;
        this.program = program;
        this.transfers = Transfers.forDevice(context, queue, device.info());
        this.buffers = new BufferPool(context, CL.CL_MEM_READ_WRITE | transfers.bufferFlags(),
                Math.min(device.info().globalMemoryBytes() / 4, IDLE_BUFFER_BYTES));
        this.kernels = new PoolKernels(program, queue, device.info(), options);
    }

    /** {@link #open(DeviceSelector, OpenClOptions)} with {@link OpenClOptions#defaults()}. */
    public static OpenClBackend open(DeviceSelector selector) {
        return open(selector, OpenClOptions.defaults());
    }

    /**
     * Opens the device {@code selector} names ({@code auto} and {@code opencl} pick the first GPU, else
     * any device) and builds the kernels for it, or loads them from the program cache.
     *
     * @throws OpenClUnavailableException when OpenCL or the named device is missing
     * @throws ProgramBuildException when the kernels do not build
     */
    public static OpenClBackend open(DeviceSelector selector, OpenClOptions options) {
        ClDevice device = OpenClDevices.select(selector);
        if (SignalChaining.isPocl(device.info()) && !SignalChaining.active() && CHAINING_WARNED.compareAndSet(false, true)) {
            LOG.warn("PoCL's LLVM replaces the JVM's SIGSEGV handler and the JVM can crash under load; start it with "
                    + "LD_PRELOAD={} (signal chaining) to prevent that",
                    SignalChaining.library().map(Path::toString).orElse("$JAVA_HOME/lib/libjsig.so"));
        }
        ClContext context = ClContext.create(device);
        ClQueue queue = null;
        try {
            queue = ClQueue.create(context, device);
            String source = KernelSources.program(KernelSources.POOLING);
            ClProgram program = ProgramCache.build(context, device, PROGRAM, source, buildOptions(device.info()), options.cacheDir());
            return new OpenClBackend(device, options, context, queue, program);
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.close();
            }
            context.close();
            throw e;
        }
    }

    static String buildOptions(DeviceInfo info) {
        return info.correctlyRoundedDivide() ? "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt" : "-cl-std=CL1.2";
    }

    /** What the device reports of itself. */
    public DeviceInfo deviceInfo() {
        return device.info();
    }

    /** The kernel this backend runs {@code plan} with. */
    public KernelChoice kernelFor(PoolPlan plan) {
        return kernels.choose(plan);
    }

    @Override
    public void pool(PoolPlan plan, float[] input, float[] values, long[] indices) {
        long inPlane = plan.inputPlaneSize();
        long outPlane = plan.outputPlaneSize();
        long chunk = planesPerChunk(plan, indices != null);
        try (ClBuffer bins = binTable(plan)) {
            for (long p0 = 0; p0 < plan.planes(); p0 += chunk) {
                long n = Math.min(chunk, plan.planes() - p0);
                try (BufferPool.Lease in = buffers.acquire(n * inPlane * Float.BYTES);
                     BufferPool.Lease out = buffers.acquire(n * outPlane * Float.BYTES);
                     BufferPool.Lease idx = indices == null ? null : buffers.acquire(n * outPlane * Long.BYTES)) {
                    transfers.write(in.buffer, 0, HostRegion.of(input, p0 * inPlane, n * inPlane));
                    kernels.run(plan, n, in.buffer, bins, out.buffer, idx == null ? null : idx.buffer);
                    transfers.read(out.buffer, 0, HostRegion.of(values, p0 * outPlane, n * outPlane));
                    if (idx != null) {
                        transfers.read(idx.buffer, 0, HostRegion.of(indices, p0 * outPlane, n * outPlane));
                    }
                }
            }
        }
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        float[] data = host.floats();
        BufferPool.Lease buffer = data.length == 0 ? null : allocateWithin(data.length * (long) Float.BYTES, "input " + host.shape());
        try {
            if (buffer != null) {
                transfers.write(buffer.buffer, 0, HostRegion.of(data, 0, data.length));
            }
            return new ClTensor(this, host.shape(), DType.FLOAT32, buffer);
        } catch (RuntimeException e) {
            if (buffer != null) {
                buffer.close();
            }
            throw e;
        }
    }

    @Override
    public Tensor download(DeviceTensor tensor) {
        ClTensor t = own(tensor);
        int n = Math.toIntExact(t.shape().elementCount());
        if (t.dtype() == DType.INT64) {
            long[] data = new long[n];
            if (n > 0) {
                transfers.read(t.buffer(), 0, HostRegion.of(data, 0, n));
            }
            return Tensor.ofInt64(data, t.shape());
        }
        float[] data = new float[n];
        if (n > 0) {
            transfers.read(t.buffer(), 0, HostRegion.of(data, 0, n));
        }
        return Tensor.of(data, t.shape());
    }

    @Override
    public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
        ClTensor in = own(input);
        boolean withIndices = plan.op().withIndices();
        Shape shape = plan.outputShape();
        if (plan.isEmpty()) {
            return new DevicePoolResult(new ClTensor(this, shape, DType.FLOAT32, null),
                    withIndices ? new ClTensor(this, shape, DType.INT64, null) : null, 0);
        }
        long n = plan.outputElements();
        BufferPool.Lease out = allocateWithin(n * Float.BYTES, "values " + shape);
        BufferPool.Lease idx = null;
        try (ClBuffer bins = binTable(plan)) {
            idx = withIndices ? allocateWithin(n * Long.BYTES, "indices " + shape) : null;
            long nanos = kernels.run(plan, plan.planes(), in.buffer(), bins, out.buffer, idx == null ? null : idx.buffer);
            return new DevicePoolResult(new ClTensor(this, shape, DType.FLOAT32, out),
                    idx == null ? null : new ClTensor(this, shape, DType.INT64, idx), nanos);
        } catch (RuntimeException e) {
            out.close();
            if (idx != null) {
                idx.close();
            }
            throw e;
        }
    }

    /**
     * The device's copy bandwidth in GB/s, bytes read plus written: the better of {@code clEnqueueCopyBuffer}
     * and clpool's copy kernel over {@code bytes} bytes, median of {@code runs} after a warm-up. It is
     * the ceiling for memory-bound kernels, against which benchmarks are measured.
     */
    public double measureCopyBandwidth(long bytes, int runs) {
        long floats = Math.min(bytes, maxAllocationBytes()) / Float.BYTES / 1024 * 1024;
        PoolPlan copy = PoolPlan.of(Shape.of(1, floats / 1024, 1024), AdaptivePool.avg2d(OutputSize.ofNullable(null, null)));
        long n = floats * Float.BYTES;
        try (BufferPool.Lease a = buffers.acquire(n); BufferPool.Lease b = buffers.acquire(n); ClBuffer bins = binTable(copy)) {
            long[] viaCopy = new long[runs];
            long[] viaKernel = new long[runs];
            for (int r = -1; r < runs; r++) {
                long t;
                try (ClEvent e = a.buffer.copyTo(queue, b.buffer, n)) {
                    t = e.deviceNanos();
                }
                long k = kernels.run(KernelChoice.COPY, copy, 1, a.buffer, bins, b.buffer, null);
                if (r >= 0) {
                    viaCopy[r] = t;
                    viaKernel[r] = k;
                }
            }
            Arrays.sort(viaCopy);
            Arrays.sort(viaKernel);
            long best = Math.min(viaCopy[runs / 2], viaKernel[runs / 2]);
            return 2.0 * n / best;
        }
    }

    /**
     * Host-device transfer rates in GB/s over {@code bytes} bytes, median of {@code runs}: what the
     * device's own pinned copies reach ({@code clEnqueueWrite/ReadBuffer} from mapped pinned memory, the
     * PCIe ceiling), and what clpool's {@link #upload} and {@link #download} of a Java array reach.
     */
    public TransferRates measureTransfers(long bytes, int runs) {
        int floats = Math.toIntExact(Math.min(bytes, maxAllocationBytes()) / Float.BYTES);
        long n = (long) floats * Float.BYTES;
        float[] host = new float[floats];
        double[] pinnedWrite = new double[runs];
        double[] pinnedRead = new double[runs];
        double[] upload = new double[runs];
        double[] download = new double[runs];
        try (BufferPool.Lease device = buffers.acquire(n);
             ClBuffer pinned = ClBuffer.allocate(context, CL.CL_MEM_ALLOC_HOST_PTR | CL.CL_MEM_READ_WRITE, n, "pinned host buffer")) {
            java.nio.ByteBuffer mapped = pinned.map(queue, CL.CL_MAP_READ | CL.CL_MAP_WRITE, 0, n);
            try {
                for (int r = -1; r < runs; r++) {
                    long w;
                    try (ClEvent e = device.buffer.writeAsync(queue, 0, n, Pointer.to(mapped))) {
                        w = e.deviceNanos();
                    }
                    long rd;
                    try (ClEvent e = device.buffer.readAsync(queue, 0, n, Pointer.to(mapped))) {
                        rd = e.deviceNanos();
                    }
                    long t0 = System.nanoTime();
                    transfers.write(device.buffer, 0, HostRegion.of(host, 0, floats));
                    long t1 = System.nanoTime();
                    transfers.read(device.buffer, 0, HostRegion.of(host, 0, floats));
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        pinnedWrite[r] = n / (double) w;
                        pinnedRead[r] = n / (double) rd;
                        upload[r] = n / (double) (t1 - t0);
                        download[r] = n / (double) (t2 - t1);
                    }
                }
            } finally {
                pinned.unmap(queue, mapped);
            }
        }
        return new TransferRates(median(pinnedWrite), median(pinnedRead), median(upload), median(download));
    }

    /**
     * Transfer rates in GB/s.
     *
     * @param pinnedWriteGbps the device's host-to-device rate from pinned memory
     * @param pinnedReadGbps the device's device-to-host rate into pinned memory
     * @param uploadGbps clpool's rate from a Java array to the device
     * @param downloadGbps clpool's rate from the device to a Java array
     */
    public record TransferRates(double pinnedWriteGbps, double pinnedReadGbps, double uploadGbps, double downloadGbps) {
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private ClTensor own(DeviceTensor tensor) {
        if (!(tensor instanceof ClTensor t) || t.owner != this) {
            throw new IllegalArgumentException("input: " + tensor + " does not belong to this engine (" + description() + ")");
        }
        return t;
    }

    /** The largest buffer this backend allocates: the configured cap, else the device's own limit. */
    long maxAllocationBytes() {
        long cap = options.maxAllocationBytes();
        return cap > 0 ? Math.min(cap, device.info().maxAllocationBytes()) : device.info().maxAllocationBytes();
    }

    /** Whole planes per host chunk so that no buffer exceeds {@link #maxAllocationBytes()}. */
    private long planesPerChunk(PoolPlan plan, boolean withIndices) {
        long perPlane = Math.max(plan.inputPlaneSize() * Float.BYTES,
                plan.outputPlaneSize() * (withIndices ? Long.BYTES : Float.BYTES));
        long cap = maxAllocationBytes();
        if (perPlane > cap) {
            throw new IllegalArgumentException("input: one plane of " + plan.inputShape() + " needs " + perPlane
                    + " bytes on the device, more than its largest allocation (" + cap + " bytes); pool it on the Java path");
        }
        return cap / perPlane;
    }

    private BufferPool.Lease allocateWithin(long bytes, String name) {
        if (bytes > maxAllocationBytes()) {
            throw new IllegalArgumentException(name + ": " + bytes + " bytes exceed the device's largest allocation ("
                    + maxAllocationBytes() + " bytes); pool host tensors, which are split into chunks, instead");
        }
        return buffers.acquire(bytes);
    }

    /** The bins of the three axes as the kernels read them: starts then ends, for D, H, W in turn. */
    private ClBuffer binTable(PoolPlan plan) {
        AxisBins[] axes = {plan.depth(), plan.height(), plan.width()};
        int length = 0;
        for (AxisBins a : axes) {
            length = Math.addExact(length, Math.multiplyExact(2, Math.toIntExact(a.outputSize())));
        }
        long[] table = new long[length];
        int at = 0;
        for (AxisBins a : axes) {
            long[] starts = a.starts();
            long[] ends = a.ends();
            System.arraycopy(starts, 0, table, at, starts.length);
            System.arraycopy(ends, 0, table, at + starts.length, ends.length);
            at += starts.length + ends.length;
        }
        return ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(table), (long) table.length * Long.BYTES, "bin table");
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
        buffers.close();
        transfers.close();
        program.close();
        queue.close();
        context.close();
    }
}
