package dev.clpool.testing;

import dev.clpool.spi.Backend;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Tensor;
import dev.clpool.plan.PoolPlan;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Backend} that counts its calls and, when {@link #forbidding()}, fails the test if it is asked
 * to compute: proof that {@code Clpool} validates and short-cuts empty results before any backend work.
 * When allowed, it fills values with 42 and indices with 7 so that a test can see it ran.
 */
public final class SpyBackend implements Backend {
    private final boolean forbid;
    public final AtomicInteger poolCalls = new AtomicInteger();
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

    @Override
    public void pool(PoolPlan plan, float[] input, float[] values, long[] indices) {
        poolCalls.incrementAndGet();
        if (forbid) {
            throw new AssertionError("the backend must not be called for " + plan.inputShape() + " " + plan.op());
        }
        java.util.Arrays.fill(values, 42f);
        if (indices != null) {
            java.util.Arrays.fill(indices, 7L);
        }
    }

    @Override
    public DeviceTensor upload(Tensor host) {
        throw new AssertionError("the spy backend holds no device tensors");
    }

    @Override
    public Tensor download(DeviceTensor tensor) {
        throw new AssertionError("the spy backend holds no device tensors");
    }

    @Override
    public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
        throw new AssertionError("the spy backend holds no device tensors");
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
