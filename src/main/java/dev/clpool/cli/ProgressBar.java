package dev.clpool.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr, redrawn in place on a terminal ({@code System.console() != null}). Off a terminal
 * (a pipe, a log file, a test), it prints a line per update where {@code linesOffTerminal}, else nothing.
 */
final class ProgressBar {
    static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean linesOffTerminal;

    private ProgressBar(PrintWriter err, boolean terminal, boolean linesOffTerminal) {
        this.err = err;
        this.terminal = terminal;
        this.linesOffTerminal = linesOffTerminal;
    }

    /** Steps of a benchmark: a line each off a terminal, so that a log shows how far it got. */
    static ProgressBar ofSteps(PrintWriter err) {
        return new ProgressBar(err, System.console() != null, true);
    }

    /** Bytes of a long run: silent off a terminal, where many updates would only fill the log. */
    static ProgressBar ofBytes(PrintWriter err) {
        return new ProgressBar(err, System.console() != null, false);
    }

    /** Draws {@code [####      ] text}, {@code done} of {@code total} filled. */
    void show(long done, long total, String text) {
        String line = bar(done, total) + " " + text;
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else if (linesOffTerminal) {
            err.println(line);
        }
        err.flush();
    }

    /** Erases the bar on a terminal, so that what follows starts on a clean line. */
    void clear() {
        if (terminal) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }

    /** {@code [##########                    ]}: {@code done} of {@code total} in {@link #WIDTH} cells, full when {@code total} is 0. */
    static String bar(long done, long total) {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
    }

    /**
     * {@code  42%  1.30 of 3.10 GB  0.52 GB/s  elapsed 0:02  ETA 0:03}: bytes done of the total, the rate so far and
     * the time left at that rate ({@code ETA --} before anything is done).
     */
    static String transfer(long done, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? clock((total - done) / rate) : "--";
        int percent = total == 0 ? 100 : (int) (100 * Math.min(done, total) / total);
        return String.format(Locale.ROOT, "%3d%%  %s of %s  %.2f GB/s  elapsed %s  ETA %s", percent, gigabytes(done),
                gigabytes(total) + " GB", rate / 1e9, clock(seconds), eta);
    }

    private static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / 1e9);
    }

    /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
