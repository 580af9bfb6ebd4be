package dev.clpool.cpu;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;

/** A "device" tensor of the Java path: a private copy on the host, in the kind of storage it came from. */
final class JavaTensor implements DeviceTensor {
    final JavaBackend owner;
    private final Tensor data;
    private final AtomicBoolean closed = new AtomicBoolean();

    JavaTensor(JavaBackend owner, Tensor data) {
        this.owner = owner;
        this.data = data;
    }

    Tensor data() {
        if (closed.get()) {
            throw new IllegalStateException("this device tensor " + data.shape() + " is closed");
        }
        return data;
    }

    @Override
    public Shape shape() {
        return data.shape();
    }

    @Override
    public DType dtype() {
        return data.dtype();
    }

    @Override
    public Layout layout() {
        return data.layout();
    }

    @Override
    public String device() {
        return owner.description();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "DeviceTensor" + data.shape() + " " + data.dtype()
                + (data.layout() == Layout.CONTIGUOUS ? "" : " " + data.layout()) + " on the Java path";
    }
}
