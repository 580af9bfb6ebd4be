package dev.clpool.stream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads of a run's stages and their one failure: every wait of every stage gives up once any stage
 * has failed (or the pipeline is closed), so that a failure anywhere stops them all and is the one rethrown.
 * Closing it waits for its threads.
 */
final class Pipeline implements AutoCloseable {
    /** How often a waiting stage looks whether another has failed. */
    private static final long POLL_MILLIS = 10;

    /** A stage's body, which may throw anything. */
    @FunctionalInterface
    interface Stage {
        void run() throws Exception;
    }

    /** Thrown out of a wait once another stage has failed: that failure, not this, is reported. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /** Runs {@code stage} on a thread of its own. */
    void start(String name, Stage stage) {
        Thread t = new Thread(() -> run(stage), name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Runs {@code stage} on this thread, recording its failure. */
    void run(Stage stage) {
        try {
            stage.run();
        } catch (Stopped e) {
            // another stage failed first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new InterruptedIOException("interrupted"));
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    <T> T take(BlockingQueue<T> queue) throws InterruptedException {
        while (true) {
            checkRunning();
            T item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (item != null) {
                return item;
            }
        }
    }

    <T> void put(BlockingQueue<T> queue, T item) throws InterruptedException {
        while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            checkRunning();
        }
    }

    void acquire(Semaphore permits) throws InterruptedException {
        while (!permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            checkRunning();
        }
    }

    private void checkRunning() {
        if (failure.get() != null || closed) {
            throw new Stopped();
        }
    }

    /** Waits for every thread, then rethrows the first failure of any stage, if one failed. */
    void finish() throws IOException {
        joinAll();
        Throwable e = failure.get();
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IOException(e);
        }
    }

    private void joinAll() {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    closed = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every stage at its next wait and waits for the threads. */
    @Override
    public void close() {
        closed = true;
        joinAll();
    }
}
