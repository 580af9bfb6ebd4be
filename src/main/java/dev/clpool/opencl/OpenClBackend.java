package dev.clpool.opencl;

import dev.clpool.Backend;
import dev.clpool.DType;
import dev.clpool.DevicePoolResult;
import dev.clpool.DeviceSelector;
import dev.clpool.DeviceTensor;
import dev.clpool.Shape;
import dev.clpool.Tensor;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * Pools on one OpenCL device. Owns the device's context, an in-order queue, the built program and the
 * host transfer route; each call owns its buffers and kernel objects, so calls from several threads
 * share no mutable state but the transfer route, which serialises itself.
 */
public final class OpenClBackend implements Backend {
    private static final String PROGRAM = "pooling";

    private final ClDevice device;
    private final OpenClOptions options;
    private final ClContext context;
    private final ClQueue queue;
    private final ClProgram program;
    private final Transfers transfers;
    private final PoolKernels kernels;

    private OpenClBackend(ClDevice device, OpenClOptions options, ClContext context, ClQueue queue, ClProgram program) {
        this.device = device;
        this.options = options;
        this.context = context;
        this.queue = queue;
        this.program = program;
        this.transfers = Transfers.forDevice(context, queue, device.info());
        this.kernels = new PoolKernels(program, queue, device.info(), options.kernel());
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
                try (ClBuffer in = allocate(n * inPlane * Float.BYTES, "input");
                     ClBuffer out = allocate(n * outPlane * Float.BYTES, "values");
                     ClBuffer idx = indices == null ? null : allocate(n * outPlane * Long.BYTES, "indices")) {
                    transfers.write(in, 0, HostRegion.of(input, p0 * inPlane, n * inPlane));
                    kernels.run(plan, n, in, bins, out, idx);
                    transfers.read(out, 0, HostRegion.of(values, p0 * outPlane, n * outPlane));
                    if (idx != null) {
                        transfers.read(idx, 0, HostRegion.of(indices, p0 * outPlane, n * outPlane));
                    }
                }
            }
        }
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        float[] data = host.floats();
        ClBuffer buffer = data.length == 0 ? null : allocateWithin(data.length * (long) Float.BYTES, "uploaded tensor " + host.shape());
        try {
            if (buffer != null) {
                transfers.write(buffer, 0, HostRegion.of(data, 0, data.length));
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
        ClBuffer out = allocateWithin(n * Float.BYTES, "values " + shape);
        ClBuffer idx = null;
        try (ClBuffer bins = binTable(plan)) {
            idx = withIndices ? allocateWithin(n * Long.BYTES, "indices " + shape) : null;
            long nanos = kernels.run(plan, plan.planes(), in.buffer(), bins, out, idx);
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

    private ClBuffer allocateWithin(long bytes, String name) {
        if (bytes > maxAllocationBytes()) {
            throw new IllegalArgumentException(name + ": " + bytes + " bytes exceed the device's largest allocation ("
                    + maxAllocationBytes() + " bytes); pool host tensors, which are split into chunks, instead");
        }
        return allocate(bytes, name);
    }

    private ClBuffer allocate(long bytes, String name) {
        return ClBuffer.allocate(context, CL.CL_MEM_READ_WRITE | transfers.bufferFlags(), bytes, name);
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
        transfers.close();
        program.close();
        queue.close();
        context.close();
    }
}
