package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.stream.StreamOptions;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;

/**
 * {@code --device} and {@code --chunk-size}, for the commands that stream files through a device: the device
 * opened, and a progress bar drawn, for the time of a run.
 */
final class DeviceStreaming {
    @Mixin
    private DeviceOption device;

    @Mixin
    private StreamingOptions streaming;

    /** What a command streams through the open device; what it returns is the command's to report. */
    @FunctionalInterface
    interface Run<T> {
        T run(Clpool clpool, StreamOptions options) throws IOException;
    }

    /** Opens the device and a progress bar on {@code err} (erased at the end), runs {@code run}, and closes both. */
    <T> T run(PrintWriter err, Run<T> run) throws IOException {
        try (Clpool clpool = device.open(); TransferProgress progress = new TransferProgress(err)) {
            return run.run(clpool, streaming.options(progress));
        }
    }
}
