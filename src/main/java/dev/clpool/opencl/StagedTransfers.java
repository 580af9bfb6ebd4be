package dev.clpool.opencl;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * For devices with their own memory: two pinned host buffers ({@code CL_MEM_ALLOC_HOST_PTR}, mapped
 * once) that take turns, so that Java threads fill one while the device copies the other over PCIe
 * at the pinned rate. Made on first use, reused by every transfer; one transfer at a time.
 */
final class StagedTransfers implements Transfers {
    /** Bytes per staging buffer: large enough to reach PCIe's rate, small enough to pipeline. */
    static final long STAGE_BYTES = 32L << 20;

    private final ClContext context;
    private final ClQueue queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final ClBuffer[] stages = new ClBuffer[2];
    private final ByteBuffer[] mapped = new ByteBuffer[2];

    StagedTransfers(ClContext context, ClQueue queue) {
        this.context = context;
        this.queue = queue;
    }

    @Override
    public long bufferFlags() {
        return 0;
    }

    @Override
    public void write(ClBuffer target, long targetOffset, HostRegion source) {
        int perStage = (int) (STAGE_BYTES / source.elementBytes());
        ClEvent[] inFlight = new ClEvent[2];
        lock.lock();
        try {
            ensureStages();
            int i = 0;
            for (long next = 0; next < source.length(); next += perStage, i ^= 1) {
                int from = (int) next;
                int count = Math.min(perStage, source.length() - from);
                finish(inFlight, i);
                source.copyTo(mapped[i], from, count);
                inFlight[i] = target.writeAsync(queue, targetOffset + (long) from * source.elementBytes(),
                        (long) count * source.elementBytes(), Pointer.to(mapped[i]));
            }
            finish(inFlight, 0);
            finish(inFlight, 1);
        } finally {
            settle(inFlight);
            lock.unlock();
        }
    }

    @Override
    public void read(ClBuffer source, long sourceOffset, HostRegion target) {
        int perStage = (int) (STAGE_BYTES / target.elementBytes());
        ClEvent[] inFlight = new ClEvent[2];
        lock.lock();
        try {
            ensureStages();
            // Chunk k goes through stage k % 2; chunk k + 1 is on its way while chunk k is copied out.
            int chunks = (int) (((long) target.length() + perStage - 1) / perStage);
            for (int k = 0; k < chunks; k++) {
                if (k == 0) {
                    inFlight[0] = readChunk(source, sourceOffset, target, 0, perStage);
                }
                if (k + 1 < chunks) {
                    inFlight[(k + 1) & 1] = readChunk(source, sourceOffset, target, k + 1, perStage);
                }
                finish(inFlight, k & 1);
                int from = k * perStage;
                target.copyFrom(mapped[k & 1], from, Math.min(perStage, target.length() - from));
            }
        } finally {
            settle(inFlight);
            lock.unlock();
        }
    }

    private ClEvent readChunk(ClBuffer source, long sourceOffset, HostRegion target, int k, int perStage) {
        int from = k * perStage;
        int count = Math.min(perStage, target.length() - from);
        return source.readAsync(queue, sourceOffset + (long) from * target.elementBytes(),
                (long) count * target.elementBytes(), Pointer.to(mapped[k & 1]));
    }

    private static void finish(ClEvent[] inFlight, int i) {
        if (inFlight[i] != null) {
            try (ClEvent e = inFlight[i]) {
                inFlight[i] = null;
                e.await();
            }
        }
    }

    /** After a failure: lets copies still in flight end before their staging buffer is reused. */
    private void settle(ClEvent[] inFlight) {
        boolean pending = false;
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] != null) {
                pending = true;
                inFlight[i].close();
                inFlight[i] = null;
            }
        }
        if (pending) {
            try {
                queue.finish();
            } catch (ClException ignored) {
                // the original failure is what the caller sees
            }
        }
    }

    private void ensureStages() {
        for (int i = 0; i < 2; i++) {
            if (stages[i] == null) {
                ClBuffer b = ClBuffer.allocate(context, CL.CL_MEM_ALLOC_HOST_PTR | CL.CL_MEM_READ_WRITE, STAGE_BYTES,
                        "staging buffer " + i);
                try {
                    mapped[i] = b.map(queue, CL.CL_MAP_READ | CL.CL_MAP_WRITE, 0, STAGE_BYTES);
                } catch (RuntimeException e) {
                    b.close();
                    throw e;
                }
                stages[i] = b;
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (int i = 0; i < 2; i++) {
                if (stages[i] != null) {
                    try {
                        stages[i].unmap(queue, mapped[i]);
                    } catch (ClException e) {
                        // released below regardless
                    }
                    stages[i].close();
                    stages[i] = null;
                    mapped[i] = null;
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
