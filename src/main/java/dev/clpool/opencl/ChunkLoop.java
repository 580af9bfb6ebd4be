package dev.clpool.opencl;

import dev.clpool.plan.Chunks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The one loop every host-to-host operation goes through: its chunks of whole planes, each uploaded,
 * computed and read back by a device. With one device, on the caller's thread; with several, each device
 * takes the next chunk when it is free, so that a faster device does more, and every plane is computed as
 * it would be on one device (the same kernels, the same bits).
 */
final class ChunkLoop {
    /** What an operation needs of each device, made once per device (e.g. its bin tables): runs chunks there. */
    interface Runner extends AutoCloseable {
        void run(Chunks.Chunk chunk);

        @Override
        void close();
    }

    /** Where chunks run: a {@link DeviceMember}, or in tests a stand-in. */
    interface Member {
        /** Runs {@code work} on this device's session. */
        <T> T call(Function<DeviceSession, T> work);

        /** Counts a chunk of {@code inputBytes} done here. */
        void counted(long inputBytes);

        /** The device, for messages. */
        String description();
    }

    /** One host-to-host operation cut into chunks. */
    interface Operation {
        /** A runner for session {@code s}. */
        Runner on(DeviceSession s);

        /** The input bytes of {@code chunk}, for each device's count. */
        long inputBytes(Chunks.Chunk chunk);
    }

    private ChunkLoop() {
    }

    /**
     * Runs every chunk of {@code chunks} on {@code members}. A failure on one device stops the others
     * taking chunks and fails the call, naming the device (with several); the others stay usable.
     */
    static void run(List<? extends Member> members, ExecutorService workers, Chunks chunks, Operation op) {
        if (members.size() == 1) {
            Member m = members.get(0);
            m.call(s -> {
                try (Runner r = op.on(s)) {
                    for (long k = 0; k < chunks.count(); k++) {
                        Chunks.Chunk c = chunks.get(k);
                        r.run(c);
                        m.counted(op.inputBytes(c));
                    }
                }
                return null;
            });
            return;
        }
        AtomicLong next = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> shares = new ArrayList<>();
        for (Member m : members) {
            shares.add(workers.submit(() -> {
                try {
                    m.call(s -> {
                        try (Runner r = op.on(s)) {
                            for (long k = next.getAndIncrement(); k < chunks.count() && !stop.get(); k = next.getAndIncrement()) {
                                Chunks.Chunk c = chunks.get(k);
                                r.run(c);
                                m.counted(op.inputBytes(c));
                            }
                        }
                        return null;
                    });
                } catch (RuntimeException e) {
                    stop.set(true);
                    throw onDevice(e, m);
                }
                return null;
            }));
        }
        RuntimeException failure = null;
        for (Future<?> share : shares) {
            try {
                share.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
                throw new IllegalStateException("interrupted while devices pooled", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@code e}, saying which device it happened on. */
    private static RuntimeException onDevice(RuntimeException e, Member m) {
        if (e instanceof ClException cl) {
            ClException named = new ClException(cl.status(), cl.operation() + " on " + m.description());
            named.initCause(cl);
            return named;
        }
        return e;
    }

    /**
     * Chunks for {@code devices} devices: as large as the allocation cap allows for one device; for several,
     * small enough that each device gets a few (a faster one then takes more), but no smaller than
     * {@code MIN_CHUNK_BYTES} of input, where a launch's cost would show.
     */
    static Chunks forDevices(Chunks largest, int devices, long unitBytes) {
        if (devices == 1) {
            return largest;
        }
        long wanted = (largest.units() + 4L * devices - 1) / (4L * devices);
        long floor = Math.max(1, MIN_CHUNK_BYTES / Math.max(1, unitBytes));
        return new Chunks(largest.units(), Math.max(1, Math.min(largest.perChunk(), Math.max(wanted, floor))));
    }

    /** The smallest chunk worth sending to one of several devices. */
    static final long MIN_CHUNK_BYTES = 1L << 20;
}
