package dev.clpool.opencl;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.jocl.CL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device of an {@link OpenClBackend}: its {@link DeviceSession}, replaced when a failure leaves the
 * context or queue unusable, and what it has done (chunks and bytes), so that the split over several
 * devices can be seen. Calls from several threads share the session; each call owns its buffers and
 * kernel objects.
 */
final class DeviceMember implements ChunkLoop.Member, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceMember.class);
    /** Statuses after which a context or queue cannot be trusted: the session is rebuilt. */
    private static final Set<Integer> SESSION_LOST = Set.of(CL.CL_OUT_OF_RESOURCES, CL.CL_DEVICE_NOT_AVAILABLE,
            CL.CL_INVALID_CONTEXT, CL.CL_INVALID_COMMAND_QUEUE, CL.CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);

    private final ClDevice device;
    private final OpenClOptions options;
    /** Calls hold the read lock while they use the session; replacing it takes the write lock. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private DeviceSession session;
    private boolean closed;

    DeviceMember(ClDevice device, OpenClOptions options, DeviceSession session) {
        this.device = device;
        this.options = options;
        this.session = session;
    }

    DeviceInfo info() {
        return device.info();
    }

    /** {@code NAME (PLATFORM, TYPE, P:D)}. */
    @Override
    public String description() {
        return device.info().describe();
    }

    /** The largest buffer this device takes: the configured cap, else the device's own limit. */
    long maxAllocationBytes() {
        long cap = options.maxAllocationBytes();
        return cap > 0 ? Math.min(cap, device.info().maxAllocationBytes()) : device.info().maxAllocationBytes();
    }

    @Override
    public void counted(long inputBytes) {
        chunks.incrementAndGet();
        bytes.addAndGet(inputBytes);
    }

    long chunks() {
        return chunks.get();
    }

    long bytes() {
        return bytes.get();
    }

    /**
     * Runs {@code work} on the current session. When it fails with a status that leaves the session
     * unusable, the session is rebuilt (once the calls still using it are done) before the failure is
     * rethrown, so that the next call succeeds.
     */
    @Override
    public <T> T call(Function<DeviceSession, T> work) {
        DeviceSession s;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this OpenCL device (" + description() + ") is closed");
            }
            s = session;
            try {
                return work.apply(s);
            } catch (ClException e) {
                if (!SESSION_LOST.contains(e.status())) {
                    throw e;
                }
                lock.readLock().unlock();
                try {
                    rebuild(s, e);
                } finally {
                    lock.readLock().lock();
                }
                throw e;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private void rebuild(DeviceSession failed, ClException cause) {
        lock.writeLock().lock();
        try {
            if (closed || session != failed) {
                return; // closed meanwhile, or another call rebuilt it already
            }
            LOG.warn("OpenCL session on {} lost ({}); rebuilding it", device.info().name(), cause.getMessage());
            // The replacement holds what the failed session held: the programs built so far.
            DeviceSession fresh = DeviceSession.open(device, options, failed.programKeys());
            failed.close();
            session = fresh;
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("rebuilding the OpenCL session failed; the next call will try again: {}", e.toString());
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
