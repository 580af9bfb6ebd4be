package dev.clpool.opencl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.jocl.CL;

/**
 * Device buffers kept for reuse. Fresh memory is expensive: drivers allocate and clear it, and on
 * host-memory devices every new page faults on first touch (on the VMs seen here, first touch of
 * 51 MB took 150 ms against 3 ms for a second pass). So a released buffer goes back to an idle list,
 * most recently used first, and a request takes an idle buffer at least as large and at most twice
 * as large; idle buffers beyond {@code idleBytesLimit} are freed, oldest first.
 */
final class BufferPool implements AutoCloseable {
    private final ClContext context;
    private final long flags;
    private final long idleBytesLimit;
    private final Deque<ClBuffer> idle = new ArrayDeque<>();
    private long idleBytes;
    private boolean closed;

    BufferPool(ClContext context, long flags, long idleBytesLimit) {
        this.context = context;
        this.flags = flags;
        this.idleBytesLimit = idleBytesLimit;
    }

    /** A buffer of at least {@code bytes} bytes; closing the lease gives it back. */
    Lease acquire(long bytes) {
        synchronized (this) {
            for (Iterator<ClBuffer> it = idle.iterator(); it.hasNext(); ) {
                ClBuffer b = it.next();
                if (b.bytes >= bytes && b.bytes / 2 <= bytes) {
                    it.remove();
                    idleBytes -= b.bytes;
                    return new Lease(b);
                }
            }
        }
        try {
            return new Lease(ClBuffer.allocate(context, flags, bytes, "device buffer"));
        } catch (ClException e) {
            // Memory held idle here may be what the device lacks: free it and try once more.
            boolean outOfMemory = e.status() == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || e.status() == CL.CL_OUT_OF_RESOURCES;
            if (!outOfMemory || freeIdle() == 0) {
                throw e;
            }
            return new Lease(ClBuffer.allocate(context, flags, bytes, "device buffer"));
        }
    }

    /** Frees every idle buffer; returns how many bytes that released. */
    private synchronized long freeIdle() {
        long freed = idleBytes;
        idle.forEach(ClBuffer::close);
        idle.clear();
        idleBytes = 0;
        return freed;
    }

    private synchronized void giveBack(ClBuffer b) {
        if (closed || b.bytes > idleBytesLimit) {
            b.close();
            return;
        }
        idle.addFirst(b);
        idleBytes += b.bytes;
        while (idleBytes > idleBytesLimit) {
            ClBuffer oldest = idle.removeLast();
            idleBytes -= oldest.bytes;
            oldest.close();
        }
    }

    /** Frees the idle buffers; buffers still leased are freed when their lease closes. */
    @Override
    public synchronized void close() {
        closed = true;
        freeIdle();
    }

    /** One use of a pooled buffer. */
    final class Lease implements AutoCloseable {
        final ClBuffer buffer;
        private boolean returned;

        private Lease(ClBuffer buffer) {
            this.buffer = buffer;
        }

        boolean isReturned() {
            synchronized (BufferPool.this) {
                return returned;
            }
        }

        @Override
        public void close() {
            synchronized (BufferPool.this) {
                if (returned) {
                    return;
                }
                returned = true;
            }
            giveBack(buffer);
        }
    }
}
