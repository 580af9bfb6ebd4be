package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code plan} shows PyTorch's bins as a table, a terminal picture and a PNG. */
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
    void drawsAPngWithCellsAndOverlappingBins() throws IOException {
        Path png = dir.resolve("bins.png");
        Cli.Result r = Cli.run("plan", "--input-size", "4,4", "--output-size", "3", "--png", png.toString()).succeeds();
        assertTrue(r.out().contains("wrote " + png + " (224x224 px"), r.out());
        BufferedImage image = ImageIO.read(png.toFile());
        // 48 px per cell, a 16 px margin.
        assertEquals(224, image.getWidth());
        assertEquals(224, image.getHeight());
        assertEquals(Color.WHITE, color(image, 4, 4), "margin");
        Color one = color(image, cellCentre(0), cellCentre(0)); // cell (0, 0): bin (0, 0) only, blue
        assertClose(blend(PlanImage.CELL, PlanImage.BIN[0], PlanImage.BIN_ALPHA), one, "a cell in one blue bin");
        Color two = color(image, cellCentre(1), cellCentre(0)); // cell (0, 1): bins (0, 0) and (0, 1)
        Color four = color(image, cellCentre(1), cellCentre(1)); // cell (1, 1): four bins
        assertTrue(brightness(four) < brightness(two) - 30 && brightness(two) < brightness(one) - 30,
                "overlaps are darker: " + one + " " + two + " " + four);
    }

    @Test
    void aPngOfNonOverlappingBinsAlternatesColours() throws IOException {
        Path png = dir.resolve("bins.png");
        Cli.run("plan", "--input-size", "4,4", "--output-size", "2", "--png", png.toString()).succeeds();
        BufferedImage image = ImageIO.read(png.toFile());
        assertClose(blend(PlanImage.CELL, PlanImage.BIN[0], PlanImage.BIN_ALPHA), color(image, cellCentre(0), cellCentre(0)), "bin (0, 0)");
        assertClose(blend(PlanImage.CELL, PlanImage.BIN[1], PlanImage.BIN_ALPHA), color(image, cellCentre(2), cellCentre(1)), "bin (0, 1)");
        assertClose(blend(PlanImage.CELL, PlanImage.BIN[0], PlanImage.BIN_ALPHA), color(image, cellCentre(3), cellCentre(3)), "bin (1, 1)");
    }

    @Test
    void aLargePlaneIsScaledDown() throws IOException {
        Path png = dir.resolve("big.png");
        Cli.run("plan", "--input-size", "3000,2000", "--output-size", "13,17", "--png", png.toString()).succeeds();
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(PlanImage.SIDE + 2 * PlanImage.MARGIN, image.getHeight());
        assertTrue(image.getWidth() < image.getHeight());
    }

    @Test
    void refusesPlansTooLargeToList() {
        Cli.run("plan", "--input-size", "20000000,4", "--output-size", "10000001,2")
                .failsWithOneLine(ExitCodes.BAD_INPUT, "10000001", "at most 10000000 bins");
        Path png = dir.resolve("x.png");
        Cli.run("plan", "--input-size", "2000,2000", "--output-size", "1001", "--png", png.toString())
                .failsWithOneLine(ExitCodes.BAD_INPUT, "--png draws at most 1000000 bins");
        assertFalse(Files.exists(png));
    }

    private static int cellCentre(int cell) {
        return PlanImage.MARGIN + 48 * cell + 24;
    }

    private static Color color(BufferedImage image, int x, int y) {
        return new Color(image.getRGB(x, y));
    }

    private static Color blend(Color under, Color over, float alpha) {
        return new Color(Math.round(under.getRed() * (1 - alpha) + over.getRed() * alpha),
                Math.round(under.getGreen() * (1 - alpha) + over.getGreen() * alpha),
                Math.round(under.getBlue() * (1 - alpha) + over.getBlue() * alpha));
    }

    private static void assertClose(Color expected, Color actual, String what) {
        assertTrue(Math.abs(expected.getRed() - actual.getRed()) <= 2 && Math.abs(expected.getGreen() - actual.getGreen()) <= 2
                && Math.abs(expected.getBlue() - actual.getBlue()) <= 2, what + ": expected " + expected + ", got " + actual);
    }

    /** Each translucent bin over a cell takes some light away, whatever its colour. */
    private static int brightness(Color c) {
        return c.getRed() + c.getGreen() + c.getBlue();
    }
}
