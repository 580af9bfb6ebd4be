package dev.clpool.opencl;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of one OpenCL object. {@link #close()} releases it exactly once, is idempotent and never
 * throws: a failed release is logged, as nothing useful can be done about it.
 */
abstract class ClResource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClResource.class);

    private final LiveObjects.Kind kind;
    private final AtomicBoolean closed = new AtomicBoolean();

    ClResource(LiveObjects.Kind kind) {
        this.kind = kind;
        LiveObjects.created(kind);
    }

    /** Calls the matching {@code clRelease*} and returns its status. */
    abstract int release();

    final boolean isClosed() {
        return closed.get();
    }

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LiveObjects.released(kind);
        try {
            int status = release();
            if (status != 0) {
                LOG.warn("releasing an OpenCL {} failed: {} ({})", kind, ClException.statusName(status), status);
            }
        } catch (RuntimeException e) {
            LOG.warn("releasing an OpenCL {} failed", kind, e);
        }
    }
}
