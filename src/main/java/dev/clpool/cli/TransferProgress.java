package dev.clpool.cli;

import dev.clpool.stream.ProgressListener;
import java.io.PrintWriter;

/**
 * The progress of a streamed run as a {@link ProgressBar} of bytes: elapsed time, bytes done of the total, rate
 * and ETA, redrawn at most every {@link #REDRAW_NANOS} (chunks may come thousands a second); on a terminal only.
 * Closing it erases the bar.
 */
final class TransferProgress implements ProgressListener, AutoCloseable {
    static final long REDRAW_NANOS = 200_000_000L;

    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long drawn = Long.MIN_VALUE;

    TransferProgress(PrintWriter err) {
        this.bar = ProgressBar.ofBytes(err);
    }

    @Override
    public synchronized void update(long bytesDone, long bytesTotal) {
        long now = System.nanoTime();
        if (now - drawn >= REDRAW_NANOS || bytesDone == bytesTotal) {
            drawn = now;
            bar.show(bytesDone, bytesTotal, ProgressBar.transfer(bytesDone, bytesTotal, now - start));
        }
    }

    @Override
    public void close() {
        bar.clear();
    }
}
