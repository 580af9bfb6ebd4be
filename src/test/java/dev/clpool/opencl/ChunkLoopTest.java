package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.plan.Chunks;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The chunk loop over stand-in devices of known speeds: every chunk runs once, a device that is free
 * takes the next chunk (the faster one does more), and one device's failure stops the others and fails
 * the call. Real devices are {@code MultiDeviceTest}'s.
 */
class ChunkLoopTest {
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(2);
    /** The stand-in whose worker runs the current chunk. */
    private static final ThreadLocal<Stand> CURRENT = new ThreadLocal<>();

    @AfterAll
    static void stop() {
        WORKERS.shutdownNow();
    }

    /** A device that takes {@code millisPerChunk} per chunk and fails its {@code failAt}-th chunk (from 1; 0: never). */
    static final class Stand implements ChunkLoop.Member {
        final String name;
        final long millisPerChunk;
        final int failAt;
        final AtomicLong chunks = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong started = new AtomicLong();

        Stand(String name, long millisPerChunk, int failAt) {
            this.name = name;
            this.millisPerChunk = millisPerChunk;
            this.failAt = failAt;
        }

        @Override
        public <T> T call(Function<DeviceSession, T> work) {
            CURRENT.set(this);
            try {
                return work.apply(null);
            } finally {
                CURRENT.remove();
            }
        }

        @Override
        public void counted(long inputBytes) {
            chunks.incrementAndGet();
            bytes.addAndGet(inputBytes);
        }

        @Override
        public String description() {
            return name;
        }

        void compute() {
            if (started.incrementAndGet() == failAt) {
                throw new IllegalStateException("chunk " + failAt + " failed on " + name);
            }
            try {
                Thread.sleep(millisPerChunk);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Records each chunk it runs in {@code done}, on the current stand-in's time. */
    private static ChunkLoop.Operation operation(Set<Long> done) {
        return new ChunkLoop.Operation() {
            @Override
            public ChunkLoop.Runner on(DeviceSession s) {
                return new ChunkLoop.Runner() {
                    @Override
                    public void run(Chunks.Chunk c) {
                        CURRENT.get().compute();
                        assertTrue(done.add(c.first()), "chunk at " + c.first() + " ran twice");
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public long inputBytes(Chunks.Chunk c) {
                return c.count() * 100;
            }
        };
    }

    @Test
    void theFasterDeviceTakesMoreChunksAndEveryChunkRunsOnce() {
        Stand fast = new Stand("fast", 1, 0);
        Stand slow = new Stand("slow", 10, 0);
        Set<Long> done = ConcurrentHashMap.newKeySet();
        ChunkLoop.run(List.of(fast, slow), WORKERS, new Chunks(90, 3), operation(done));
        assertEquals(30, done.size(), "30 chunks of 3 units");
        assertEquals(30, fast.chunks.get() + slow.chunks.get());
        assertEquals(9000, fast.bytes.get() + slow.bytes.get());
        assertTrue(slow.chunks.get() > 0 && fast.chunks.get() > 2 * slow.chunks.get(), "fast " + fast.chunks + ", slow " + slow.chunks);
    }

    @Test
    void oneDevicesFailureStopsTheOthersAndFailsTheCall() {
        Stand healthy = new Stand("healthy", 2, 0);
        Stand failing = new Stand("failing", 2, 3);
        Set<Long> done = ConcurrentHashMap.newKeySet();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ChunkLoop.run(List.of(healthy, failing), WORKERS, new Chunks(1000, 1), operation(done)));
        assertEquals("chunk 3 failed on failing", e.getMessage()); // an OpenCL failure also names the device: MultiDeviceTest
        assertTrue(done.size() < 100, "the healthy device stopped taking chunks: " + done.size() + " of 1000 ran");
    }

    @Test
    void oneDeviceRunsEveryChunkOnTheCallersThread() {
        Stand only = new Stand("only", 0, 0);
        Thread caller = Thread.currentThread();
        Set<Long> done = ConcurrentHashMap.newKeySet();
        ChunkLoop.run(List.of(only), null, new Chunks(10, 4), new ChunkLoop.Operation() {
            @Override
            public ChunkLoop.Runner on(DeviceSession s) {
                ChunkLoop.Runner inner = operation(done).on(s);
                return new ChunkLoop.Runner() {
                    @Override
                    public void run(Chunks.Chunk c) {
                        assertEquals(caller, Thread.currentThread());
                        inner.run(c);
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public long inputBytes(Chunks.Chunk c) {
                return c.count();
            }
        });
        assertEquals(Set.of(0L, 4L, 8L), done);
        assertEquals(10, only.bytes.get());
    }

    @Test
    void severalDevicesGetAFewChunksEachOfAtLeastAMebibyte() {
        Chunks largest = new Chunks(1024, 1024);
        assertEquals(largest, ChunkLoop.forDevices(largest, 1, 1 << 16));
        assertEquals(128, ChunkLoop.forDevices(largest, 2, 1 << 14).perChunk(), "1024 units of 16 KiB: 4 chunks per device");
        assertEquals(4096, ChunkLoop.forDevices(new Chunks(16384, 16384), 2, 1 << 8).perChunk(), "units of 256 B: chunks of 1 MiB");
        assertEquals(8, ChunkLoop.forDevices(new Chunks(1024, 8), 2, 1 << 14).perChunk(), "never above the allocation cap");
    }
}
