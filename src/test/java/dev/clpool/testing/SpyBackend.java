package dev.clpool.testing;

import dev.clpool.op.DevicePoolResult;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.spi.Backend;
import dev.clpool.spi.DeviceShare;
import dev.clpool.spi.TransferRates;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Backend} that counts its calls and, when {@link #forbidding()}, fails the test if it is asked
 * to compute: proof that {@code Clpool} validates and short-cuts empty results before any backend work.
 * When allowed, its pooling fills values with 42 and indices with 7 so that a test can see it ran; its
 * pyramids and backward passes only count.
 */
public final class SpyBackend implements Backend {
    private final boolean forbid;
    public final AtomicInteger poolCalls = new AtomicInteger();
    public final AtomicInteger pyramidCalls = new AtomicInteger();
    public final AtomicInteger backwardCalls = new AtomicInteger();
    public final AtomicInteger closeCalls = new AtomicInteger();

    private SpyBackend(boolean forbid) {
        this.forbid = forbid;
    }

    /** A backend that must never be called. */
    public static SpyBackend forbidding() {
        return new SpyBackend(true);
    }

    /** A backend that counts calls and writes placeholders. */
    public static SpyBackend counting() {
        return new SpyBackend(false);
    }

    private void work(String what) {
        if (forbid) {
            throw new AssertionError("the backend must not be asked to " + what);
        }
    }

    @Override
    public void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
        poolCalls.incrementAndGet();
        work("pool " + plan.inputShape() + " " + plan.op());
        int n = (int) values.elementCount();
        float[] v = new float[n];
        Arrays.fill(v, 42f);
        values.writeFloats(0, v, 0, n);
        if (indices != null) {
            long[] i = new long[n];
            Arrays.fill(i, 7L);
            indices.writeLongs(0, i, 0, n);
        }
    }

    @Override
    public void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices) {
        pyramidCalls.incrementAndGet();
        work("compute a pyramid of " + plan.inputShape());
    }

    @Override
    public void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        backwardCalls.incrementAndGet();
        work("compute a backward pass of " + plan.inputShape());
    }

    @Override
    public String kernelFor(PoolPlan plan, DType dtype, Layout layout) {
        return "spy";
    }

    @Override
    public String kernelFor(PyramidPlan plan) {
        return "spy";
    }

    @Override
    public String kernelFor(BackwardPlan plan) {
        return "spy";
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        throw new AssertionError("the spy backend holds no device tensors");
    }

    @Override
    public void download(DeviceTensor tensor, Tensor target) {
        throw new AssertionError("the spy backend holds no device tensors");
    }

    @Override
    public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
        throw new AssertionError("the spy backend holds no device tensors");
    }

    @Override
    public OptionalDouble copyBandwidthGbps(long bytes, int runs) {
        return OptionalDouble.empty();
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
    public String description() {
        return "spy";
    }

    @Override
    public boolean isOpenCl() {
        return false;
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }
}
