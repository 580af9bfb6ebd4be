package dev.clpool.opencl;

import dev.clpool.tensor.Tensor;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * Elements {@code [from, from + count)} of a host tensor as a device buffer. Where the device shares host
 * memory and the tensor is in direct memory of native byte order, the buffer is the tensor's own memory
 * ({@code CL_MEM_USE_HOST_PTR}): nothing is copied, and a map and unmap make the kernel's writes visible
 * (no copy either on such a device). Otherwise a pooled buffer that the session's transfers fill
 * (inputs) or drain (outputs).
 */
final class HostChunk implements AutoCloseable {
    private final DeviceSession session;
    private final HostRegion region;
    private final ClBuffer own;
    private final BufferPool.Lease lease;

    private HostChunk(DeviceSession session, HostRegion region, ClBuffer own, BufferPool.Lease lease) {
        this.session = session;
        this.region = region;
        this.own = own;
        this.lease = lease;
    }

    /** The elements on the device, for a kernel to read. */
    static HostChunk input(DeviceSession s, Tensor t, long from, long count) {
        HostChunk c = open(s, t, from, count, CL.CL_MEM_READ_ONLY);
        if (c.lease != null) {
            try {
                s.transfers.write(c.lease.buffer, 0, c.region);
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** Room on the device for a kernel to write the elements; {@link #drain} brings them to the tensor. */
    static HostChunk output(DeviceSession s, Tensor t, long from, long count) {
        return open(s, t, from, count, CL.CL_MEM_READ_WRITE);
    }

    private static HostChunk open(DeviceSession s, Tensor t, long from, long count, long flags) {
        HostRegion region = HostRegion.of(t, from, count);
        long bytes = count * t.dtype().byteSize();
        Pointer own = count > 0 && s.device().hostUnifiedMemory() ? ownMemory(t, from, count) : null;
        if (own != null) {
            return new HostChunk(s, region, ClBuffer.over(s.context, flags, own, bytes, "host tensor"), null);
        }
        return new HostChunk(s, region, null, s.buffers.acquire(bytes));
    }

    ClBuffer buffer() {
        return own != null ? own : lease.buffer;
    }

    /** After the kernel: the elements it wrote, in the tensor. */
    void drain() {
        if (own != null) {
            ByteBuffer mapped = own.map(session.queue, CL.CL_MAP_READ, 0, own.bytes);
            own.unmap(session.queue, mapped);
        } else {
            session.transfers.read(lease.buffer, 0, region);
        }
    }

    /**
     * A pointer to elements {@code [from, from + count)} of {@code t}'s memory, or null when they are not
     * in direct memory of native order (an array, a heap buffer, a big-endian view).
     */
    private static Pointer ownMemory(Tensor t, long from, long count) {
        if (!t.isDirect()) {
            return null;
        }
        Buffer b = t.buffer();
        ByteOrder order = b instanceof FloatBuffer f ? f.order() : b instanceof ShortBuffer s ? s.order()
                : b instanceof DoubleBuffer d ? d.order() : b instanceof LongBuffer l ? l.order() : null;
        if (order != ByteOrder.nativeOrder()) {
            return null;
        }
        b.position(Math.toIntExact(from)).limit(Math.toIntExact(from + count));
        return Pointer.to(b.slice());
    }

    @Override
    public void close() {
        if (own != null) {
            own.close();
        } else {
            lease.close();
        }
    }
}
