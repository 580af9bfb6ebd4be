package dev.clpool.cpu;

import dev.clpool.op.DevicePoolResult;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.plan.Runs;
import dev.clpool.spi.Backend;
import dev.clpool.spi.DeviceShare;
import dev.clpool.spi.Launches;
import dev.clpool.spi.TransferRates;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The pure-Java path: PyTorch's CPU loops, parallel over runs of whole planes. Every bin is summed (or
 * scanned) in PyTorch's row-major order, so averages are PyTorch's float32 results bit for bit, and equal
 * to every OpenCL kernel's. It is the reference that OpenCL devices are checked against.
 */
public final class JavaBackend implements Backend {
    private final String description = "Java (" + Cores.COUNT + " cores)";

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean isOpenCl() {
        return false;
    }

    /**
     * Every loop variant of float32 planar pooling, as {@code kernelFor} and the DEBUG launch lines name them
     * (float64 adds {@code avg-float64} and {@code max-float64}; channels-last averages are
     * {@code channels-last-avg}, other channels-last poolings prefix {@code channels-last-blocks/}).
     */
    public static List<String> poolLoopNames() {
        return PlaneLoops.VARIANTS;
    }

    @Override
    public String kernelFor(PoolPlan plan, DType dtype, Layout layout) {
        return JavaPool.loopName(plan, dtype, layout);
    }

    @Override
    public String kernelFor(PyramidPlan plan) {
        return "pyramid-blocks";
    }

    @Override
    public String kernelFor(BackwardPlan plan) {
        return "gather";
    }

    @Override
    public void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
        JavaPool.pool(plan, input, values, indices, description);
    }

    @Override
    public void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices) {
        logLaunch(kernelFor(plan), plan.planes(), plan.inputPlaneSize());
        JavaPyramid.pyramid(plan, input, values, indices);
    }

    @Override
    public void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        logLaunch(kernelFor(plan), plan.forward().planes(), plan.forward().inputPlaneSize());
        JavaBackward.backward(plan, gradOutput, indices, gradInput);
    }

    /** A Java "launch": {@code global} planes in runs of {@code local}. */
    private void logLaunch(String loop, long planes, long planeSize) {
        Runs runs = Cores.split(planes, PlaneLoops.SIDE, planeSize);
        Launches.log(loop, description, planes, runs.length());
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        return new JavaTensor(this, host.copy());
    }

    @Override
    public void download(DeviceTensor tensor, Tensor target) {
        own(tensor).data().copyInto(target);
    }

    @Override
    public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
        Tensor in = own(input).data();
        Tensor values = in.like(in.dtype(), plan.outputShape(), in.layout());
        Tensor indices = plan.op().withIndices() ? in.like(DType.INT64, plan.outputShape(), in.layout()) : null;
        long start = System.nanoTime();
        if (!plan.isEmpty()) {
            pool(plan, in, values, indices);
        }
        long nanos = System.nanoTime() - start;
        return new DevicePoolResult(new JavaTensor(this, values), indices == null ? null : new JavaTensor(this, indices), nanos);
    }

    private JavaTensor own(DeviceTensor tensor) {
        if (!(tensor instanceof JavaTensor t) || t.owner != this) {
            throw new IllegalArgumentException("input: " + tensor + " does not belong to this backend (" + description + ")");
        }
        return t;
    }

    /** The rate of a parallel copy between two heap arrays, the Java path's memory ceiling. */
    @Override
    public OptionalDouble copyBandwidthGbps(long bytes, int runs) {
        int n = (int) Math.min(bytes / Float.BYTES, 1 << 26);
        float[] from = new float[n];
        float[] to = new float[n];
        Runs split = Cores.split(n, 1024, 1);
        double[] gbps = new double[runs + 1];
        for (int r = 0; r <= runs; r++) { // the first is a warm-up
            long start = System.nanoTime();
            Cores.forEach(split, (first, last) -> System.arraycopy(from, first, to, first, last - first));
            gbps[r] = 2.0 * n * Float.BYTES / (System.nanoTime() - start);
        }
        double[] timed = Arrays.copyOfRange(gbps, 1, gbps.length);
        Arrays.sort(timed);
        return OptionalDouble.of(timed[timed.length / 2]);
    }

    @Override
    public Optional<TransferRates> transferRates(long bytes, int runs) {
        return Optional.empty();
    }

    @Override
    public List<DeviceShare> shares() {
        return List.of();
    }

    @Override
    public void close() {
        // nothing native to release
    }
}
