package dev.clpool.opencl;

import dev.clpool.spi.Launches;
import java.util.List;

/**
 * One kernel being launched: its arguments after the common ones, in order, and its launches, each
 * logged ({@link Launches}) and kept as an event so that the caller can wait for it and read its time.
 */
final class KernelCall {
    private final ClKernel kernel;
    private final ClQueue queue;
    private final String device;
    private final List<ClEvent> events;
    private int next;

    KernelCall(ClKernel kernel, int firstArgument, ClQueue queue, String device, List<ClEvent> events) {
        this.kernel = kernel;
        this.next = firstArgument;
        this.queue = queue;
        this.device = device;
        this.events = events;
    }

    KernelCall arg(long value) {
        kernel.arg(next++, value);
        return this;
    }

    KernelCall arg(ClBuffer buffer) {
        kernel.arg(next++, buffer);
        return this;
    }

    /** A {@code __local} buffer of {@code bytes}. */
    KernelCall local(long bytes) {
        kernel.local(next++, bytes);
        return this;
    }

    /** Sets argument {@code index} again, e.g. the first group of a launch split in parts. */
    KernelCall set(int index, long value) {
        kernel.arg(index, value);
        return this;
    }

    /** The index the next {@link #arg} sets. */
    int nextIndex() {
        return next;
    }

    /** Enqueues {@code global} work-items in groups of {@code local}. */
    void enqueue(long global, long local) {
        Launches.log(kernel.name, device, global, local);
        events.add(kernel.launch(queue, global, local));
    }
}
