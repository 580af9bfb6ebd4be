package dev.clpool.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DEBUG line every backend writes when it starts a kernel (or a Java loop): {@code launch KERNEL on
 * DEVICE global=[..] local=[..]}, on the logger {@value #LOGGER}, so that a run shows what ran where
 * ({@code clpool --verbose}), and tests can check it.
 */
public final class Launches {
    /** The logger the launch lines go to. */
    public static final String LOGGER = "dev.clpool.launch";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private Launches() {
    }

    /** One launch of {@code kernel} on {@code device} over {@code global} work-items in groups of {@code local}. */
    public static void log(String kernel, String device, long global, long local) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("launch {} on {} global=[{}] local=[{}]", kernel, device, global, local);
        }
    }
}
