package dev.clpool.opencl;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;

/**
 * A tensor in an OpenCL buffer of one device of an {@link OpenClBackend}, valid while the session that holds it
 * lasts; an empty tensor has no buffer.
 */
final class ClTensor implements DeviceTensor {
    final DeviceMember member;
    final DeviceSession session;
    private final Shape shape;
    private final DType dtype;
    private final Layout layout;
    private final BufferPool.Lease buffer;

    ClTensor(DeviceMember member, DeviceSession session, Shape shape, DType dtype, Layout layout, BufferPool.Lease buffer) {
        this.member = member;
        this.session = session;
        this.shape = shape;
        this.dtype = dtype;
        this.layout = layout;
        this.buffer = buffer;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Layout layout() {
        return layout;
    }

    @Override
    public String device() {
        return member.description();
    }

    /** The buffer, or null for an empty tensor. */
    ClBuffer buffer() {
        if (buffer != null && buffer.isReturned()) {
            throw new IllegalStateException("this device tensor " + shape + " is closed");
        }
        return buffer == null ? null : buffer.buffer;
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
        }
    }

    @Override
    public String toString() {
        return "DeviceTensor" + shape + " " + dtype + (layout == Layout.CONTIGUOUS ? "" : " " + layout) + " on "
                + device();
    }
}
