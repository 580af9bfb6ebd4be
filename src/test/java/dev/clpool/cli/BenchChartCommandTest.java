package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.bench.BenchChart;
import dev.clpool.bench.BenchJsonReader;
import dev.clpool.bench.BenchResult;
import dev.clpool.testing.SvgDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --svg} draws the results as a chart; {@code bench --replot} draws it again from a {@code --json} file. */
class BenchChartCommandTest {
    @TempDir
    Path dir;

    @Test
    void drawsTheRunAndRedrawsItFromItsJson() throws IOException {
        Path json = dir.resolve("b.json");
        Path svg = dir.resolve("b.svg");
        Cli.run("bench", "--shape", "2,8,6,6", "--output-size", "3", "--runs", "1", "--device", "cpu", "--json", json.toString(),
                "--svg", svg.toString()).succeeds();
        SvgDocument run = SvgDocument.read(svg);
        assertEquals("clpool adaptive pooling, kernel GB/s", run.title());
        assertEquals(2, run.in("bars", "rect").size(), "avg and max on the Java path");
        assertEquals(1, run.in("ceilings", "line").size(), "one device");

        Path again = dir.resolve("again.svg");
        Cli.Result r = Cli.run("bench", "--replot", json.toString(), "--svg", again.toString()).succeeds();
        assertTrue(r.out().contains("drew the 2 results of " + json + " into " + again), r.out());
        List<BenchResult> results = BenchJsonReader.read(Files.readString(json));
        assertEquals(BenchChart.svg(results, "clpool adaptive pooling, kernel GB/s"), Files.readString(again));
        SvgDocument replotted = SvgDocument.read(again);
        assertEquals(run.texts("legend"), replotted.texts("legend"));
        assertEquals(run.texts("x-axis"), replotted.texts("x-axis"));
        Path third = dir.resolve("third.svg");
        Cli.run("bench", "-v", "--replot", json.toString(), "--svg", third.toString()).succeeds();
        assertEquals(Files.readString(again), Files.readString(third), "the same file, the same chart");
    }

    @Test
    void redrawsTheCommittedSuitesChart() throws IOException {
        Path svg = dir.resolve("gpu.svg");
        Cli.run("bench", "--replot", "benchmarks/h200/clpool-gpu-suite.json", "--svg", svg.toString()).succeeds();
        SvgDocument doc = SvgDocument.read(svg);
        assertEquals(16, doc.in("bars", "rect").size());
        assertTrue(doc.texts("legend").contains("copy bandwidth of OpenCL: NVIDIA H200 (NVIDIA CUDA, GPU, 0:0): 4096.0 GB/s"),
                doc.texts("legend").toString());
    }

    @Test
    void replotRefusesWhatItCannotDo() throws IOException {
        Path svg = dir.resolve("c.svg");
        Path json = dir.resolve("b.json");
        Files.writeString(json, "[]");
        Cli.run("bench", "--replot", json.toString()).failsWithOneLine(ExitCodes.BAD_INPUT, "--replot", "--svg FILE");
        Cli.run("bench", "--replot", json.toString(), "--svg", svg.toString(), "--suite", "gpu", "--runs", "3")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--replot", "--suite, --runs are for a run");
        Cli.run("bench", "--replot", dir.resolve("missing.json").toString(), "--svg", svg.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--replot", "no such file");
        Files.writeString(json, "not json");
        Cli.run("bench", "--replot", json.toString(), "--svg", svg.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--replot", "not the --json of a bench run", "at character 1");
        Cli.run("bench", "--replot", "benchmarks/cpu/pyramid-cpu-suite.json", "--svg", svg.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "not the --json of a bench run", "record 1");
        Cli.run("bench", "--replot", "benchmarks/cpu/clpool-cpu-suite.json", "--svg", dir.resolve("no/c.svg").toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--svg", "does not exist");
        assertFalse(Files.exists(svg));
    }
}
