package dev.clpool.opencl;

import java.nio.LongBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The bin tables of the plans a session pooled recently, kept on the device, so that pooling a plan again
 * uploads nothing (a buffer created and copied per call costs as much as a small kernel). A call leases a
 * table while it uses it; past {@value #KEEP} tables the least recently used is dropped, and released once
 * no call holds it, as a kernel argument does not retain its buffer.
 */
final class BinTables implements AutoCloseable {
    static final int KEEP = 32;

    private final Function<long[], ClBuffer> upload;
    /** By the tables' contents (a LongBuffer's equals and hashCode are its elements'), least recently used first. */
    private final Map<LongBuffer, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    BinTables(Function<long[], ClBuffer> upload) {
        this.upload = upload;
    }

    private static final class Entry {
        final ClBuffer buffer;
        int leases;
        boolean dropped;

        Entry(ClBuffer buffer) {
            this.buffer = buffer;
        }
    }

    /** One call's use of a table; closing it gives the table back. */
    final class Lease implements AutoCloseable {
        final ClBuffer buffer;
        private final Entry entry;
        private boolean returned;

        private Lease(Entry entry) {
            this.entry = entry;
            this.buffer = entry.buffer;
        }

        @Override
        public void close() {
            synchronized (BinTables.this) {
                if (!returned) {
                    returned = true;
                    entry.leases--;
                    releaseIfDone(entry);
                }
            }
        }
    }

    /** {@code table} on the device, uploaded unless a recent call left it there. */
    synchronized Lease acquire(long[] table) {
        LongBuffer key = LongBuffer.wrap(table.clone());
        Entry e = entries.get(key);
        if (e == null) {
            e = new Entry(upload.apply(table));
            entries.put(key, e);
            Iterator<Entry> eldest = entries.values().iterator();
            while (entries.size() > KEEP) {
                drop(eldest.next());
                eldest.remove();
            }
        }
        e.leases++;
        return new Lease(e);
    }

    private static void drop(Entry e) {
        e.dropped = true;
        releaseIfDone(e);
    }

    private static void releaseIfDone(Entry e) {
        if (e.dropped && e.leases == 0) {
            e.buffer.close();
        }
    }

    /** Releases every table now, or, for those still leased, when their call gives them back. */
    @Override
    public synchronized void close() {
        entries.values().forEach(BinTables::drop);
        entries.clear();
    }
}
