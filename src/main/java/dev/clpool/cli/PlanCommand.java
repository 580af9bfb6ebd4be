package dev.clpool.cli;

import dev.clpool.op.OutputSize;
import dev.clpool.plan.AxisBins;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plan}: the bins PyTorch's formulas give, as a table, a terminal picture and optionally an SVG picture. */
@Command(name = "plan", sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Shows the bins of an adaptive pooling (the same for avg and max): for each axis, every bin's start, "
                    + "end (exclusive), length and the cells it shares with the previous bin, with PyTorch's "
                    + "start = floor(i * I / O), end = ceil((i + 1) * I / O).",
            "Then a picture of the input plane, for planes up to " + GridPicture.MAX_CELLS + " cells a side: lines "
                    + "where bins start, and in each cell how many bins read it. Long axes list their first and last "
                    + "bins. --svg draws any plane (" + PlanImage.SIDE + " px on its longest side at most) with its "
                    + "row and column indices, the bins' output cells where they fit, and a legend.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool plan --input-size 10,9 --output-size 7",
            "  clpool plan --input-size 8,9 --output-size 5,7 --svg bins.svg",
        })
final class PlanCommand implements Callable<Integer> {
    /** Axes with more bins than this list their first and last {@link #SHOWN} only. */
    static final int LISTED = 24;
    static final int SHOWN = 10;
    /** Axes up to this many input cells get a column that draws each bin's cells. */
    static final int DRAWN_CELLS = 64;

    @Spec
    private CommandSpec spec;

    @Option(names = "--input-size", required = true, paramLabel = "H,W", converter = Converters.Spatial.class,
            description = "The input plane's height and width, e.g. 10,9.")
    private SpatialSize inputSize;

    @Option(names = "--output-size", required = true, paramLabel = "SPEC", converter = Converters.Size.class,
            description = "PyTorch's output_size: 7, 5,7, none,7 or 5,none.")
    private OutputSize outputSize;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also draw the input cells and the bins into this SVG file.")
    private Path svg;

    @Override
    public Integer call() throws Exception {
        if (svg != null) {
            TensorFiles.checkWritable(svg, "--svg");
        }
        long[] out = outputSize.resolve(inputSize.toArray());
        AxisSummary rows = AxisSummary.of("H", new AxisBins(inputSize.height(), out[0]));
        AxisSummary columns = AxisSummary.of("W", new AxisBins(inputSize.width(), out[1]));
        boolean unicode = ((Main) spec.root().userObject()).unicode();
        GridPicture.Glyphs glyphs = unicode ? GridPicture.Glyphs.UNICODE : GridPicture.Glyphs.ASCII;

        PrintWriter o = spec.commandLine().getOut();
        o.println("plan: input " + inputSize + " -> output " + out[0] + "x" + out[1] + " (output_size " + outputSize
                + "); avg and max use the same bins");
        for (AxisSummary axis : new AxisSummary[] {rows, columns}) {
            o.println();
            o.println(axis.headline());
            if (axis.bins().outputSize() > 0) {
                binTable(axis, glyphs).print(o, "  ");
            }
        }
        if (out[0] == 0 || out[1] == 0) {
            o.println();
            o.println("no bins: the output is empty");
        } else {
            o.println();
            o.println("input cells by how many bins read them: " + coverage(rows, columns));
            o.println();
            if (GridPicture.fits(rows.bins(), columns.bins())) {
                o.println("grid (lines: where bins start; " + glyphs.single() + " a cell in one bin, a digit: in that many):");
                GridPicture.draw(rows.bins(), columns.bins(), glyphs).forEach(line -> o.println("  " + line));
            } else {
                o.println("grid: " + inputSize + " cells, too many to draw here (at most " + GridPicture.MAX_CELLS
                        + " a side); --svg draws it");
            }
        }
        if (svg != null) {
            PlanImage.Picture picture = PlanImage.draw(rows, columns);
            TensorFiles.write(svg, picture.svg().getBytes(StandardCharsets.UTF_8));
            o.println();
            o.println("wrote " + svg + " (" + picture.width() + "x" + picture.height() + " px: grey input cells, bins as "
                    + "translucent blue and orange rectangles; overlaps are darker)");
        }
        return ExitCodes.OK;
    }

    private static TextTable binTable(AxisSummary axis, GridPicture.Glyphs glyphs) {
        AxisBins bins = axis.bins();
        boolean drawCells = bins.inputSize() <= DRAWN_CELLS;
        TextTable t = new TextTable(drawCells ? new String[] {"bin", "start", "end", "length", "overlap", "cells"}
                : new String[] {"bin", "start", "end", "length", "overlap"}, true, true, true, true, true, false);
        long n = bins.outputSize();
        for (long i = 0; i < n; i++) {
            if (n > LISTED && i == SHOWN) {
                t.note("... " + (n - 2 * SHOWN) + " more bins ...");
                i = n - SHOWN;
            }
            long start = bins.start(i);
            long end = bins.end(i);
            String overlap = i == 0 ? "-" : Long.toString(AxisSummary.overlap(bins, i));
            t.row(i, start, end, end - start, overlap,
                    drawCells ? String.valueOf(glyphs.single()).repeat((int) start) + String.valueOf(glyphs.filled()).repeat((int) (end - start))
                            + String.valueOf(glyphs.single()).repeat((int) (bins.inputSize() - end)) : "");
        }
        return t;
    }

    /**
     * {@code 42 in 1 bin, 36 in 2, 12 in 4}: per-axis coverage multiplied out over the plane (no overflow:
     * each axis has fewer than 2^31 cells).
     */
    private static String coverage(AxisSummary rows, AxisSummary columns) {
        Map<Long, Long> plane = new TreeMap<>();
        rows.coverage().forEach((r, rowCells) -> columns.coverage().forEach((c, columnCells) ->
                plane.merge(r * c, rowCells * columnCells, Long::sum)));
        StringBuilder b = new StringBuilder();
        plane.forEach((bins, cells) -> b.append(b.length() == 0 ? "" : ", ").append(cells).append(" in ").append(bins)
                .append(bins == 1 ? " bin" : ""));
        return b.toString();
    }
}
