package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bar's text: the bar, bytes done of the total, rate, elapsed time and ETA; and silence off a terminal. */
class ProgressBarTest {
    @Test
    void theBarFillsInProportion() {
        assertEquals("[" + " ".repeat(30) + "]", ProgressBar.bar(0, 10));
        assertEquals("[" + "#".repeat(10) + " ".repeat(20) + "]", ProgressBar.bar(1, 3));
        assertEquals("[" + "#".repeat(30) + "]", ProgressBar.bar(10, 10));
        assertEquals("[" + "#".repeat(30) + "]", ProgressBar.bar(0, 0), "nothing to do is done");
        assertEquals("[" + "#".repeat(30) + "]", ProgressBar.bar(12, 10), "never past full");
    }

    @Test
    void aTransferSaysBytesRateElapsedAndEta() {
        assertEquals(" 25%  1.00 of 4.00 GB  0.50 GB/s  elapsed 0:02  ETA 0:06",
                ProgressBar.transfer(1_000_000_000L, 4_000_000_000L, 2_000_000_000L));
        assertEquals("  0%  0.00 of 3.00 GB  0.00 GB/s  elapsed 0:00  ETA --", ProgressBar.transfer(0, 3_000_000_000L, 0));
        assertEquals("100%  3.00 of 3.00 GB  1.50 GB/s  elapsed 0:02  ETA 0:00",
                ProgressBar.transfer(3_000_000_000L, 3_000_000_000L, 2_000_000_000L));
    }

    @Test
    void clocksShowMinutesAndHours() {
        assertEquals("0:07", ProgressBar.clock(7.4));
        assertEquals("12:30", ProgressBar.clock(750));
        assertEquals("1:02:03", ProgressBar.clock(3723));
    }

    @Test
    void aTransferIsSilentOffATerminal() {
        StringWriter err = new StringWriter();
        try (TransferProgress progress = new TransferProgress(new PrintWriter(err))) {
            progress.update(1, 2);
            progress.update(2, 2);
        }
        assertEquals("", err.toString(), "tests run without a terminal");
    }
}
