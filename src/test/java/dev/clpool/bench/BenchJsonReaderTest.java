package dev.clpool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BenchJsonReader} reads back what {@link BenchReport#json} writes, also the files of float32-only versions. */
class BenchJsonReaderTest {
    @Test
    void readsBackWhatTheReportWrites() {
        List<BenchResult> results = List.of(
                new BenchResult("[64,512,14,14]", "7x7", "avg", "OpenCL: \"quoted\" \\ name\u0001", "tiled", 0.0277440, 3.23981,
                        1157.46, 4096, 0, 20),
                new BenchResult("[1,2,3,4]", "none", "max", "Java (2 cores) \u2192 \u00d7", "java", 1e-7, 12345.678, Double.NaN,
                        Double.POSITIVE_INFINITY, 1.5e-5, 3, "float16", "nhwc"));
        String json = BenchReport.json(results);
        List<BenchResult> read = BenchJsonReader.read(json);
        assertEquals(json, BenchReport.json(read));
        assertEquals(results.get(0).device(), read.get(0).device());
        assertEquals(results.get(1).device(), read.get(1).device());
        assertTrue(Double.isNaN(read.get(1).gbps()) && Double.isNaN(read.get(1).copyGbps()), "null reads as NaN");
        assertEquals("float16", read.get(1).dtype());
        assertEquals(3, read.get(1).runs());
        assertEquals(List.of(), BenchJsonReader.read(" [ ]\n"));
    }

    @Test
    void readsTheCommittedSuitesAndFloat32OnlyFiles() throws IOException {
        for (String file : List.of("benchmarks/cpu/clpool-cpu-suite.json", "benchmarks/h200/clpool-gpu-suite.json")) {
            String json = Files.readString(Path.of(file));
            List<BenchResult> results = BenchJsonReader.read(json);
            assertTrue(results.size() >= 16, file);
            for (BenchResult r : results) {
                assertTrue(r.gbps() > 0 && r.copyGbps() > 0 && r.runs() > 0, r.toString());
            }
        }
        // Files written before storage types and layouts have neither field.
        BenchResult old = BenchJsonReader.read("[{\"shape\": \"[1,1,4,4]\", \"output_size\": \"2x2\", \"mode\": \"avg\", "
                + "\"device\": \"Java\", \"kernel\": \"java\", \"kernel_ms_median\": 1, \"end_to_end_ms_median\": 2, "
                + "\"gbps\": 3, \"copy_gbps\": 4, \"fraction_of_copy\": 0.75, \"max_abs_diff\": 0, \"runs\": 5, \"extra\": \"skipped\"}]")
                .get(0);
        assertEquals(new BenchResult("[1,1,4,4]", "2x2", "avg", "Java", "java", 1, 2, 3, 4, 0, 5), old);
    }

    @Test
    void refusesOtherTextSayingWhereAndWhy() {
        refused("{}", "at character 1: expected '['");
        refused("[{\"shape\": \"[1]\"}]", "record 1: no \"output_size\"");
        refused("[{\"shape\": 3}]", "record 1: \"shape\" is not a string");
        refused("[] []", "text after the array");
        refused("[{\"shape\": \"a\\q\"}]", "unknown escape \\q");
        refused("[{\"shape\": \"open", "unterminated string");
        refused("[{\"shape\": true}]", "at character 12: expected a string, a number or null");
        refused("[{\"shape\" \"x\"}]", "expected ':'");
    }

    private static void refused(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchJsonReader.read(json), json);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
