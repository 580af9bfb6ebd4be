package dev.clpool;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A device tensor as a {@link Clpool} hands it out: the backend's tensor, owned by the Clpool's scope, so
 * that closing the Clpool closes it (as DJL's NDManager closes its arrays) and using it afterwards fails
 * clearly.
 */
final class ScopedTensor implements DeviceTensor {
    final Clpool owner;
    private final DeviceTensor inner;
    private final AtomicBoolean closed = new AtomicBoolean();

    ScopedTensor(Clpool owner, DeviceTensor inner) {
        this.owner = owner;
        this.inner = inner;
    }

    /** The backend's tensor. */
    DeviceTensor inner() {
        if (closed.get()) {
            throw new IllegalStateException("this device tensor " + inner.shape() + " " + inner.dtype() + " is closed");
        }
        return inner;
    }

    @Override
    public Shape shape() {
        return inner.shape();
    }

    @Override
    public DType dtype() {
        return inner.dtype();
    }

    @Override
    public Layout layout() {
        return inner.layout();
    }

    @Override
    public String device() {
        return inner.device();
    }

    /** Frees the device memory and leaves the Clpool's scope; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            owner.forget(this);
            inner.close();
        }
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
