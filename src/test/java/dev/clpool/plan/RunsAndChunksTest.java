package dev.clpool.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clpool.tensor.Shape;
import org.junit.jupiter.api.Test;

/** How items are cut into runs (of planes over cores) and into chunks (of planes that fit a device's allocation). */
class RunsAndChunksTest {
    @Test
    void runsAreAboutTheAskedNumberEachAMultipleOfTheGroup() {
        Runs r = Runs.of(100, 8, 4);
        assertEquals(16, r.length(), "ceil(100 / 8) = 13, rounded up to a multiple of 4");
        assertEquals(7, r.count());
        assertEquals(32, r.start(2));
        assertEquals(48, r.end(2));
        assertEquals(100, r.end(6), "the last run ends at the items' end");
        assertEquals(new Runs(10, 10, 1), Runs.of(10, 1, 1), "one part");
        assertEquals(new Runs(7, 1, 7), Runs.of(7, 100, 1), "more parts than items: runs of one");
        assertEquals(new Runs(0, 1, 0), Runs.of(0, 8, 4), "no items, no runs");
    }

    @Test
    void runsRefuseNegativeItemsAndEmptyPartsOrGroups() {
        assertThrows(IllegalArgumentException.class, () -> Runs.of(-1, 8, 4));
        assertThrows(IllegalArgumentException.class, () -> Runs.of(10, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Runs.of(10, 8, 0));
    }

    @Test
    void chunksHoldAsManyUnitsAsTheAllocationTakes() {
        Chunks c = Chunks.of(10, 300, 1000, "input", "plane", Shape.of(10, 10, 30));
        assertEquals(new Chunks(10, 3), c);
        assertEquals(4, c.count());
        assertEquals(new Chunks.Chunk(3, 3), c.get(1));
        assertEquals(new Chunks.Chunk(9, 1), c.get(3), "the last chunk holds what is left");
        assertEquals(new Chunks(5, 1), Chunks.of(5, 1000, 1000, "input", "plane", Shape.of(5, 10, 100)), "units as large as the cap, one a chunk");
        assertEquals(5, new Chunks(5, 1).count());
        assertEquals(2, new Chunks(5, 3).count(), "ceil(5 / 3)");
        assertEquals(2, new Chunks(6, 3).count(), "6 / 3");
        assertEquals(0, Chunks.of(0, 300, 1000, "input", "plane", Shape.of(0, 10, 30)).count(), "no units, no chunks");
        assertEquals(new Chunks(3, 3), Chunks.of(3, 0, 1000, "input", "plane", Shape.of(3, 0)), "empty units count as a byte");
    }

    @Test
    void aUnitLargerThanTheAllocationIsRefusedNamingBothSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Chunks.of(2, 1001, 1000, "input", "plane", Shape.of(2, 1001)));
        assertEquals("input: one plane of [2, 1001] needs 1001 bytes on the device, more than its largest allocation (1000 bytes);"
                + " compute it on the Java path (device cpu)", e.getMessage());
    }
}
