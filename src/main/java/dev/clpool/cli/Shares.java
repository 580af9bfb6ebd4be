package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.spi.DeviceShare;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a Clpool of several devices split its host work, for the commands that print where they ran. */
final class Shares {
    private Shares() {
    }

    /** {@code " (split: A 5 chunks 60%, B 3 chunks 40%)"}, by input bytes; empty for one device. */
    static String of(Clpool clpool) {
        List<DeviceShare> shares = clpool.shares();
        long total = shares.stream().mapToLong(DeviceShare::bytes).sum();
        if (shares.size() < 2 || total == 0) {
            return "";
        }
        return shares.stream().map(s -> String.format(Locale.ROOT, "%s %d chunk%s %.0f%%", s.device(), s.chunks(),
                s.chunks() == 1 ? "" : "s", 100.0 * s.bytes() / total)).collect(Collectors.joining(", ", " (split: ", ")"));
    }
}
