package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.clpool.bench.BenchReport;
import dev.clpool.bench.BenchResult;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --dtype ... --layout ...}: rows per storage type and layout, with JSON fields {@code dtype}
 * and {@code layout} added to the fields that float32-only runs have always written.
 */
class BenchStorageCommandTest {
    static final List<String> FIELDS = List.of("shape", "output_size", "mode", "device", "kernel", "kernel_ms_median",
            "end_to_end_ms_median", "gbps", "copy_gbps", "fraction_of_copy", "max_abs_diff", "runs");

    @TempDir
    Path dir;

    @Test
    void rowsPerDtypeAndLayoutWithTheirJsonFields() throws IOException {
        Path json = dir.resolve("b.json");
        Path md = dir.resolve("b.md");
        Cli.Result r = Cli.run("bench", "--shape", "2,8,6,6", "--output-size", "3", "--runs", "1", "--device", "cpu",
                "--dtype", "float32,float16", "--layout", "nchw,nhwc", "--mode", "avg", "--json", json.toString(),
                "--markdown", md.toString()).succeeds();
        assertTrue(r.out().contains("float16") && r.out().contains("nhwc"), r.out());
        JsonArray rows = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
        assertEquals(4, rows.size(), "2 dtypes x 2 layouts x 1 mode x 1 device");
        Set<String> seen = new HashSet<>();
        for (JsonElement e : rows) {
            JsonObject o = e.getAsJsonObject();
            for (String f : FIELDS) {
                assertTrue(o.has(f), "field " + f + " kept: " + o);
            }
            seen.add(o.get("dtype").getAsString() + "/" + o.get("layout").getAsString());
            assertEquals(0.0, o.get("max_abs_diff").getAsDouble(), o.toString());
        }
        assertEquals(Set.of("float32/nchw", "float32/nhwc", "float16/nchw", "float16/nhwc"), seen);
        assertTrue(Files.readString(md).contains("| dtype | layout |"), Files.readString(md));
    }

    @Test
    void hostDirectTimesDirectMemoryOnEveryDeviceWithTheJsonFieldHost() throws IOException {
        TestDevices.openCl();
        Path json = dir.resolve("h.json");
        Cli.Result r = Cli.run("bench", "--shape", "2,8,6,6", "--output-size", "3", "--runs", "1", "--device", "all",
                "--host", "heap,direct", "--mode", "max", "--json", json.toString()).succeeds();
        assertTrue(r.out().contains(" direct "), r.out());
        JsonArray rows = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
        Set<String> seen = new HashSet<>();
        for (JsonElement e : rows) {
            JsonObject o = e.getAsJsonObject();
            seen.add(o.get("host").getAsString() + (o.get("device").getAsString().startsWith("OpenCL") ? "/opencl" : "/java"));
            assertEquals(0.0, o.get("max_abs_diff").getAsDouble(), o.toString());
        }
        assertTrue(seen.containsAll(Set.of("heap/opencl", "direct/opencl", "heap/java", "direct/java")), seen.toString());
        Cli.run("bench", "--shape", "1,1,4,4", "--output-size", "2", "--host", "pinned", "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--host", "'pinned'");
    }

    @Test
    void theOldConstructorMeansFloat32Nchw() {
        BenchResult r = new BenchResult("[1,2,3,4]", "2x2", "avg", "Java", "java", 1, 2, 3, 4, 0, 5);
        assertEquals("float32", r.dtype());
        assertEquals("nchw", r.layout());
        assertEquals("", r.storageSuffix());
        String json = BenchReport.json(List.of(r));
        JsonObject o = JsonParser.parseString(json).getAsJsonArray().get(0).getAsJsonObject();
        assertEquals("float32", o.get("dtype").getAsString());
        assertEquals("heap", o.get("host").getAsString());
        assertEquals(5, o.get("runs").getAsInt());
    }

    @Test
    void badDtypesAndLayoutsAreBadInput() {
        Cli.run("bench", "--shape", "1,1,4,4", "--output-size", "2", "--dtype", "float16,int8", "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--dtype", "'int8'");
        Cli.run("bench", "--shape", "1,1,4,4", "--output-size", "2", "--dtype", "int64", "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--dtype", "'int64'");
        Cli.run("bench", "--shape", "1,1,4,4", "--output-size", "2", "--layout", "nhwc,chw", "--device", "cpu")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--layout", "'chw'");
    }
}
