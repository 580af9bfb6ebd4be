package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.SvgDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import picocli.CommandLine;

/** {@code plan} shows PyTorch's bins as a table, a terminal picture and an SVG picture. */
class PlanCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsTheBinsOfEachAxis() {
        Cli.Result r = Cli.run("plan", "--input-size", "10,9", "--output-size", "7").succeeds();
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("H: 10 -> 7: 7 bins of 2 to 3 cells, 6 neighbouring pairs overlap"), r.out());
        assertTrue(lines.contains("W: 9 -> 7: 7 bins of 2 to 3 cells, 6 neighbouring pairs overlap"), r.out());
        // Bins by hand: start = floor(i * I / O), end = ceil((i + 1) * I / O).
        long[][] h = {{0, 2}, {1, 3}, {2, 5}, {4, 6}, {5, 8}, {7, 9}, {8, 10}};
        long[][] w = {{0, 2}, {1, 3}, {2, 4}, {3, 6}, {5, 7}, {6, 8}, {7, 9}};
        assertBins(lines, "H:", h, 10);
        assertBins(lines, "W:", w, 9);
        assertTrue(r.out().contains("input cells by how many bins read them: 12 in 1 bin, 42 in 2, 36 in 4"), r.out());
    }

    /** Checks the rows after the axis' headline: bin, start, end, length, overlap and the bar of its cells. */
    private static void assertBins(List<String> lines, String axis, long[][] bins, int inputSize) {
        int at = 0;
        while (!lines.get(at).startsWith(axis)) {
            at++;
        }
        assertEquals(List.of("bin", "start", "end", "length", "overlap", "cells"), List.of(lines.get(at + 1).trim().split("\\s+")));
        for (int i = 0; i < bins.length; i++) {
            long s = bins[i][0];
            long e = bins[i][1];
            String overlap = i == 0 ? "-" : Long.toString(Math.max(0, bins[i - 1][1] - s));
            String bar = "\u00b7".repeat((int) s) + "\u2588".repeat((int) (e - s)) + "\u00b7".repeat((int) (inputSize - e));
            assertEquals(List.of(Long.toString(i), Long.toString(s), Long.toString(e), Long.toString(e - s), overlap, bar),
                    List.of(lines.get(at + 2 + i).trim().split("\\s+")), axis + " bin " + i);
        }
    }

    @Test
    void drawsTheGridWithLinesWhereBinsStartAndCountsWhereTheyOverlap() {
        Cli.Result r = Cli.run("plan", "--input-size", "4,4", "--output-size", "3").succeeds();
        String grid = String.join("\n",
                "  \u250c\u2500\u252c\u2500\u252c\u2500\u2500\u2500\u2510",
                "  \u2502\u00b7\u25022\u25022 \u00b7\u2502",
                "  \u251c\u2500\u253c\u2500\u253c\u2500\u2500\u2500\u2524",
                "  \u25022\u25024\u25024 2\u2502",
                "  \u251c\u2500\u253c\u2500\u253c\u2500\u2500\u2500\u2524",
                "  \u25022\u25024\u25024 2\u2502",
                "  \u2502\u00b7\u25022\u25022 \u00b7\u2502",
                "  \u2514\u2500\u2534\u2500\u2534\u2500\u2500\u2500\u2518");
        assertTrue(r.out().contains(grid), r.out());
        assertTrue(r.out().contains("4 in 1 bin, 8 in 2, 4 in 4"), r.out());
    }

    @Test
    void fallsBackToAsciiWhereStdoutHasNoBoxDrawing() {
        Cli.Result r = Cli.run(CommandLine.defaultFactory(), false, "plan", "--input-size", "4,4", "--output-size", "2");
        r.succeeds();
        assertTrue(r.out().contains(String.join("\n", "  +---+---+", "  |. .|. .|", "  |. .|. .|", "  +---+---+",
                "  |. .|. .|", "  |. .|. .|", "  +---+---+")), r.out());
        assertTrue(r.out().contains("##.."), r.out());
        assertTrue(r.out().chars().allMatch(c -> c < 128), "ASCII only");
    }

    @Test
    void summarisesLargePlanes() {
        Cli.Result r = Cli.run("plan", "--input-size", "224,100", "--output-size", "none,7").succeeds();
        assertTrue(r.out().contains("H: 224 -> 224: 224 bins of 1 cell, none overlap"), r.out());
        assertTrue(r.out().contains("... 204 more bins ..."), r.out());
        assertTrue(r.out().contains("  223    223  224       1        0"), r.out());
        assertTrue(r.out().contains("grid: 224x100 cells, too many to draw here"), r.out());
        assertFalse(r.out().contains("\u2588"), "no cell bars for axes over 64 cells");
    }

    @Test
    void anEmptyOutputHasNoBins() {
        Cli.Result r = Cli.run("plan", "--input-size", "4,4", "--output-size", "0,2").succeeds();
        assertTrue(r.out().contains("H: 4 -> 0: no bins (empty output)"), r.out());
        assertTrue(r.out().contains("no bins: the output is empty"), r.out());
    }

    @Test
    void drawsAnSvgWithTitleAxesLegendAndARectPerBin() throws IOException {
        Path svg = dir.resolve("bins.svg");
        Cli.Result r = Cli.run("plan", "--input-size", "4,4", "--output-size", "3", "--svg", svg.toString()).succeeds();
        SvgDocument doc = SvgDocument.read(svg);
        assertTrue(r.out().contains("wrote " + svg + " (" + (int) doc.width() + "x" + (int) doc.height() + " px"), r.out());
        String title = "adaptive pooling bins: input 4\u00d74 \u2192 output 3\u00d73";
        assertEquals(title, doc.title());
        assertTrue(doc.texts().contains(title), "the title is drawn too");
        assertEquals(List.of("input column (W)", "0", "1", "2", "3"), doc.texts("columns"));
        assertEquals(List.of("input row (H)", "0", "1", "2", "3"), doc.texts("rows"));
        List<String> legend = doc.texts("legend");
        assertEquals(5, legend.size(), "four entries and the sample label: " + legend);
        assertTrue(legend.get(0).startsWith("an input cell") && legend.get(1).startsWith("a bin")
                && legend.get(2).startsWith("darker") && legend.get(3).equals("(i,j)")
                && legend.get(4).startsWith("the output cell (row i, column j)"), legend.toString());

        // 48 px per cell; bins 0..1, 1..2 and 2..3 on each axis (end inclusive), each rect inside its cells.
        Element plane = plane(doc);
        assertEquals(4 * 48, SvgDocument.number(plane, "width"));
        double left = SvgDocument.number(plane, "x");
        double top = SvgDocument.number(plane, "y");
        List<Element> bins = doc.in("bins", "rect");
        assertEquals(9, bins.size(), "one rect per bin");
        long[][] spans = {{0, 1}, {1, 2}, {2, 3}};
        for (Element bin : bins) {
            Matcher m = Pattern.compile("output \\((\\d),(\\d)\\): input rows (\\d) to (\\d), columns (\\d) to (\\d)")
                    .matcher(SvgDocument.tooltip(bin));
            assertTrue(m.matches(), SvgDocument.tooltip(bin));
            int i = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(2));
            assertEquals(spans[i][0] + "," + spans[i][1] + "," + spans[j][0] + "," + spans[j][1],
                    m.group(3) + "," + m.group(4) + "," + m.group(5) + "," + m.group(6), "bin " + i + "," + j);
            assertInside(left + 48 * spans[j][0], left + 48 * (spans[j][1] + 1), SvgDocument.number(bin, "x"),
                    SvgDocument.number(bin, "width"), "bin " + i + "," + j + " across");
            assertInside(top + 48 * spans[i][0], top + 48 * (spans[i][1] + 1), SvgDocument.number(bin, "y"),
                    SvgDocument.number(bin, "height"), "bin " + i + "," + j + " down");
            assertEquals(PlanImage.BIN[(i + j) % 2], SvgDocument.inherited(bin, "fill"), "a checkerboard");
            assertTrue(Double.parseDouble(SvgDocument.inherited(bin, "fill-opacity")) < 1, "translucent: overlaps are darker");
        }
        assertEquals(List.of("(0,0)", "(0,1)", "(0,2)", "(1,0)", "(1,1)", "(1,2)", "(2,0)", "(2,1)", "(2,2)"),
                doc.texts("output-cells"));
    }

    @Test
    void theSamePlanIsTheSameFile() throws IOException {
        Path a = dir.resolve("a.svg");
        Path b = dir.resolve("b.svg");
        Cli.run("plan", "--input-size", "10,9", "--output-size", "7", "--svg", a.toString()).succeeds();
        Cli.run("plan", "--input-size", "10,9", "--output-size", "7", "--svg", b.toString()).succeeds();
        assertEquals(Files.readString(a), Files.readString(b));
        assertEquals(49, SvgDocument.read(a).in("bins", "rect").size());
    }

    @Test
    void aLargePlaneIsScaledDownWithTicksAtSteps() throws IOException {
        Path svg = dir.resolve("big.svg");
        Cli.run("plan", "--input-size", "3000,2000", "--output-size", "13,17", "--svg", svg.toString()).succeeds();
        SvgDocument doc = SvgDocument.read(svg);
        Element plane = plane(doc);
        assertEquals(PlanImage.SIDE, SvgDocument.number(plane, "height"), 0.01);
        assertTrue(SvgDocument.number(plane, "width") < SvgDocument.number(plane, "height"));
        List<String> rows = doc.texts("rows");
        assertEquals("input row (H)", rows.get(0));
        long step = Long.parseLong(rows.get(2));
        assertTrue(step == 100 || step == 200 || step == 500, rows.toString());
        for (int k = 1; k < rows.size(); k++) {
            assertEquals((k - 1) * step, Long.parseLong(rows.get(k)), rows.toString());
        }
        assertTrue(rows.size() > 5, "ticks all along the axis: " + rows);
        assertEquals(13 * 17, doc.in("bins", "rect").size());
        assertTrue(doc.texts("output-cells").isEmpty(), "bins too narrow for their labels");
        assertEquals(3, doc.texts("legend").size(), "no legend entry for labels that are not drawn");
    }

    @Test
    void refusesPlansTooLargeToList() {
        Cli.run("plan", "--input-size", "20000000,4", "--output-size", "10000001,2")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "10000001", "at most 10000000 bins");
        Path svg = dir.resolve("x.svg");
        Cli.run("plan", "--input-size", "2000,2000", "--output-size", "1001", "--svg", svg.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--svg draws at most 1000000 bins");
        assertFalse(Files.exists(svg));
    }

    /** The input plane's rect, grey under the bins. */
    private static Element plane(SvgDocument doc) {
        return doc.all("rect").stream().filter(e -> e.getAttribute("class").equals("plane")).findFirst().orElseThrow();
    }

    /** A rect drawn inside the span from {@code from} to {@code to}, inset by less than a fifth of a cell. */
    private static void assertInside(double from, double to, double start, double length, String what) {
        assertTrue(start >= from && start < from + 10 && start + length <= to && start + length > to - 10,
                what + ": " + start + "+" + length + " in " + from + ".." + to);
    }
}
