package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.clpool.testing.TestDevices;
import org.jocl.CL;
import org.jocl.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Bin tables stay on the device for the plans seen last: the same table again uploads nothing; past
 * {@value BinTables#KEEP} tables the least recently used is released, at once when no call holds it,
 * else when its call gives it back; closing releases the rest.
 */
class BinTablesTest {
    @Test
    void recentTablesAreKeptAndDroppedOnesReleasedOnceNoCallHoldsThem() {
        TestDevices.openCl();
        try (ClContext context = ClContext.create(OpenClDevices.handles(OpenClDevices.automaticChoice()))) {
            int[] uploads = {0};
            BinTables tables = new BinTables(t -> {
                uploads[0]++;
                return ClBuffer.copyOf(context, CL.CL_MEM_READ_ONLY, Pointer.to(t), (long) t.length * Long.BYTES, "bin table");
            });
            long base = buffers();
            ClBuffer first;
            try (BinTables.Lease a = tables.acquire(new long[] {0, 1})) {
                first = a.buffer;
            }
            try (BinTables.Lease again = tables.acquire(new long[] {0, 1})) {
                assertSame(first, again.buffer, "the same contents: the same buffer");
            }
            assertEquals(1, uploads[0]);

            BinTables.Lease held = tables.acquire(new long[] {1});
            for (int i = 2; i < BinTables.KEEP + 2; i++) {
                tables.acquire(new long[] {i}).close();
            }
            // 34 tables seen: {0, 1} (least recently used) released, {1} dropped but held, 32 kept.
            assertEquals(base + BinTables.KEEP + 1, buffers());
            held.close();
            held.close();
            assertEquals(base + BinTables.KEEP, buffers(), "the held table is released when its call gives it back, once");
            tables.acquire(new long[] {0, 1}).close();
            assertEquals(BinTables.KEEP + 3, uploads[0], "a released table is uploaded again");
            tables.close();
            assertEquals(base, buffers());
        }
    }

    private static long buffers() {
        return LiveObjects.snapshot().get(LiveObjects.Kind.BUFFER);
    }
}
