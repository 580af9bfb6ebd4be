package dev.clpool.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logback settings of the command line: WARN from {@code dev/clpool/cli/logback.xml}, DEBUG with
 * {@code --verbose}. The configuration is not at the classpath root so that the library jar does not
 * impose it on applications that use clpool.
 */
final class Logging implements AutoCloseable {
    private static final String CONFIG_PROPERTY = "logback.configurationFile";
    private static final String CONFIG = "dev/clpool/cli/logback.xml";

    private final Level saved;

    private Logging() {
        saved = root().getLevel();
    }

    /** Points Logback at the CLI's configuration unless the user named one; call before any logger exists. */
    static void useCliConfiguration() {
        if (System.getProperty(CONFIG_PROPERTY) == null) {
            System.setProperty(CONFIG_PROPERTY, CONFIG);
        }
    }

    /** Remembers the root level and restores it on close, so that one in-process run's --verbose does not leak. */
    static Logging scope() {
        return new Logging();
    }

    /** Logs everything from DEBUG up. */
    static void enableDebug() {
        root().setLevel(Level.DEBUG);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    public void close() {
        root().setLevel(saved);
    }
}
