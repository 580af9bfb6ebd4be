package dev.clpool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Shape;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OpBenchmark} on tiny shapes: one checked row per case, mode and device, and its reports. */
class OpBenchmarkTest {
    @Test
    void pyramidAndBackwardRowsAreCheckedAndReported() {
        Clpool java = TestDevices.java();
        List<Clpool> devices = new ArrayList<>(List.of(java));
        List<Benchmark.Step> steps = new ArrayList<>();
        List<OpBenchmark.OpResult> rows = new ArrayList<>(OpBenchmark.pyramids(
                List.of(new OpBenchmark.PyramidCase(Shape.of(2, 3, 9, 7), List.of(OutputSize.of(1), OutputSize.of(2), OutputSize.of(3)))),
                List.of(PoolMode.AVG, PoolMode.MAX), devices, java, 2, steps::add));
        rows.addAll(OpBenchmark.backward(List.of(new BenchCase(Shape.of(2, 3, 9, 7), OutputSize.of(4))),
                List.of(PoolMode.AVG, PoolMode.MAX), devices, java, 2, steps::add));
        assertEquals(4, rows.size());
        for (OpBenchmark.OpResult r : rows) {
            assertEquals(0.0, r.maxAbsDiff(), r.toString());
            assertTrue(r.msMedian() > 0 && r.baselineMsMedian() > 0, r.toString());
            assertEquals(r.op().equals("pyramid") ? "pyramid-blocks" : "gather", r.method(), "the Java path's own method");
        }
        assertEquals("1|2|3", rows.get(0).outputs());
        assertEquals("separate levels", rows.get(0).baseline());
        assertEquals("forward", rows.get(3).baseline());
        assertEquals("done", steps.get(steps.size() - 1).what());
        String table = OpBenchmark.table(rows);
        assertTrue(table.contains("[2,3,9,7]->1|2|3") && table.contains("backward"), table);
        String md = OpBenchmark.markdown(rows, "a test machine");
        assertTrue(md.startsWith("Measured on a test machine") && md.contains("| pyramid | [2,3,9,7] → 1|2|3 |"), md);
        String json = OpBenchmark.json(rows);
        assertTrue(json.contains("\"op\": \"backward\"") && json.contains("\"baseline\": \"forward\""), json);
    }
}
