package dev.clpool.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.clpool.spi.Launches;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The launch lines every backend logs ({@link Launches}) while this is open: which kernels (or Java loops)
 * really ran, and where. Tests assert on it, so that a kernel that silently stopped running fails them.
 */
public final class LaunchLog implements AutoCloseable {
    private static final Pattern LINE = Pattern.compile("launch (\\S+) on (.+) global=\\[(\\d+)] local=\\[(\\d+)]");

    private final Logger logger = (Logger) LoggerFactory.getLogger(Launches.LOGGER);
    private final Level saved = logger.getLevel();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    };

    private LaunchLog() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    /** Starts capturing. */
    public static LaunchLog capture() {
        return new LaunchLog();
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The kernels that ran on devices whose description contains {@code device}. */
    public Set<String> kernelsOn(String device) {
        Set<String> kernels = new TreeSet<>();
        for (String line : lines()) {
            Matcher m = LINE.matcher(line);
            if (m.matches() && m.group(2).contains(device)) {
                kernels.add(m.group(1));
            }
        }
        return kernels;
    }

    /** The kernels that ran anywhere. */
    public Set<String> kernels() {
        return kernelsOn("");
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(saved);
        appender.stop();
    }
}
