package dev.clpool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A one-line description of the machine a benchmark ran on, for the tables. */
public final class Machine {
    private Machine() {
    }

    /** E.g. {@code Linux amd64, 2 cores (AMD EPYC 9B14), Java 17.0.15}. */
    public static String describe() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores" + cpuModel().map(m -> " (" + m + ")").orElse("")
                + ", Java " + Runtime.version();
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
