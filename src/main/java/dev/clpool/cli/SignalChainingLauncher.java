package dev.clpool.cli;

import dev.clpool.opencl.SignalChaining;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restarts the CLI under the JVM's signal chaining where PoCL is installed and it is missing (see
 * {@link SignalChaining}): the same command line, with {@code LD_PRELOAD} naming {@code libjsig.so}.
 * Library users set {@code LD_PRELOAD} themselves; clpool warns them once.
 */
final class SignalChainingLauncher {
    /** Set in the restarted process, so that it never restarts again. */
    private static final String MARK = "CLPOOL_SIGNAL_CHAINING";

    private SignalChainingLauncher() {
    }

    static void relaunchIfNeeded() {
        Optional<Path> library = SignalChaining.library();
        Optional<String> java = ProcessHandle.current().info().command();
        Optional<String[]> arguments = ProcessHandle.current().info().arguments();
        if (SignalChaining.active() || System.getenv(MARK) != null || library.isEmpty() || java.isEmpty()
                || arguments.isEmpty() || !SignalChaining.poclRegistered()) {
            return;
        }
        // The flag keeps JDK 22+ from warning about native access when the CLI is run with -cp (java -jar has
        // Enable-Native-Access in the manifest); JDK 17 accepts it too.
        List<String> command = new ArrayList<>(List.of(java.get(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(arguments.get()));
        ProcessBuilder restart = new ProcessBuilder(command).inheritIO();
        restart.environment().put("LD_PRELOAD", SignalChaining.preloadWith(library.get()));
        restart.environment().put(MARK, "1");
        try {
            System.exit(restart.start().waitFor());
        } catch (IOException e) {
            // Could not restart: carry on as we are; the library will warn.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(ExitCodes.FAILED);
        }
    }
}
