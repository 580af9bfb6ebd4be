package dev.clpool.cli;

import dev.clpool.io.Svg;
import dev.clpool.plan.AxisBins;

/**
 * A picture of a plan as SVG: the input plane as grey cells with its row and column indices on the axes,
 * each bin as a translucent rectangle over the cells it reads, blue and orange in a checkerboard so that
 * neighbours differ; where bins overlap their colours stack and the cells look darker. Bins are labelled
 * with their output cell where the labels fit, and a legend says what the colours mean.
 */
final class PlanImage {
    /** The longest side of the drawn plane, in pixels; small planes get up to {@link #MAX_CELL} px per cell. */
    static final int SIDE = 1024;
    static final int MAX_CELL = 48;
    /** Beyond this many bins a picture says nothing that the bins table does not. */
    static final long MAX_BINS = 1_000_000;
    /** Up to this many bins, each says in a tooltip which output cell and input cells it is. */
    static final long TOOLTIP_BINS = 10_000;

    static final String CELL = "#eeeeee";
    static final String CELL_LINE = "#bbbbbb";
    static final String[] BIN = {"#1f77b4", "#ff7f0e"};
    static final double BIN_OPACITY = 0.3;

    private static final double MARGIN = 20;
    private static final double FONT = 12;
    private static final double TITLE_FONT = 16;
    private static final double TICK_FONT = 11;
    private static final double LABEL_FONT = 10;
    private static final double PLANE_TOP = 100;
    private static final double LEGEND_ROW = 24;
    private static final double SWATCH = 36;

    /** An SVG document and its size in pixels. */
    record Picture(String svg, int width, int height) {
    }

    private final AxisBins rows;
    private final AxisBins columns;
    private final double binPixels;
    private final double scale;
    private final double left;
    private final boolean labelled;

    private PlanImage(AxisSummary rowAxis, AxisSummary columnAxis) {
        rows = rowAxis.bins();
        columns = columnAxis.bins();
        scale = scale(rows, columns);
        binPixels = Math.min(rowAxis.minLength(), columnAxis.minLength()) * scale;
        double rowLabels = Svg.textWidth(Long.toString(lastTick(rows.inputSize(), rowStep())), TICK_FONT);
        left = MARGIN + FONT + 12 + rowLabels + 8;
        String widest = label(rows.outputSize() - 1, columns.outputSize() - 1);
        long bins = rows.outputSize() * columns.outputSize();
        labelled = bins > 0 && bins <= TOOLTIP_BINS && spacing(columns) >= Svg.textWidth(widest, LABEL_FONT) + 4 && spacing(rows) >= LABEL_FONT + 4;
    }

    /** Pixels per input cell: whole pixels up to {@link #MAX_CELL} when they fit, fractions for huge planes. */
    static double scale(AxisBins rows, AxisBins columns) {
        long longest = Math.max(rows.inputSize(), columns.inputSize());
        return longest <= SIDE ? Math.min(MAX_CELL, SIDE / longest) : (double) SIDE / longest;
    }

    static Picture draw(AxisSummary rowAxis, AxisSummary columnAxis) {
        long bins = rowAxis.bins().outputSize() * columnAxis.bins().outputSize();
        if (bins > MAX_BINS) {
            throw new BadInputException("--svg draws at most " + MAX_BINS + " bins; this plan has " + rowAxis.bins().outputSize()
                    + " x " + columnAxis.bins().outputSize());
        }
        return new PlanImage(rowAxis, columnAxis).picture();
    }

    private Picture picture() {
        String title = "adaptive pooling bins: input " + rows.inputSize() + "\u00d7" + columns.inputSize() + " \u2192 output "
                + rows.outputSize() + "\u00d7" + columns.outputSize();
        String subtitle = "the same for avg and max: bin i of an axis reads input cells floor(i\u00b7in/out) to "
                + "ceil((i+1)\u00b7in/out) \u2212 1";
        String[] legend = legendTexts();
        double planeWidth = columns.inputSize() * scale;
        double planeHeight = rows.inputSize() * scale;
        double width = Math.max(left + planeWidth + MARGIN, 2 * MARGIN + Math.max(Svg.textWidth(title, TITLE_FONT),
                Svg.textWidth(subtitle, FONT)));
        for (String text : legend) {
            width = Math.max(width, 2 * MARGIN + SWATCH + 8 + Svg.textWidth(text, FONT));
        }
        double legendTop = PLANE_TOP + planeHeight + 36;
        int w = (int) Math.ceil(width);
        int h = (int) Math.ceil(legendTop + LEGEND_ROW * (legend.length - 1) + MARGIN);
        Svg svg = new Svg(w, h, title, FONT);
        svg.text(MARGIN, 28, title, "font-size", TITLE_FONT, "font-weight", "bold");
        svg.text(MARGIN, 50, subtitle, "fill", "#555555");
        svg.rect(left, PLANE_TOP, planeWidth, planeHeight, "class", "plane", "fill", CELL);
        if (scale >= 4) {
            cellLines(svg);
        }
        axes(svg);
        for (int colour = 0; colour < BIN.length; colour++) {
            bins(svg, colour);
        }
        if (labelled) {
            outputLabels(svg);
        }
        legend(svg, legend, legendTop);
        return new Picture(svg.toString(), w, h);
    }

    private void cellLines(Svg svg) {
        StringBuilder d = new StringBuilder();
        for (long x = 0; x <= columns.inputSize(); x++) {
            d.append('M').append(Svg.number(left + x * scale)).append(' ').append(Svg.number(PLANE_TOP))
                    .append('v').append(Svg.number(rows.inputSize() * scale));
        }
        for (long y = 0; y <= rows.inputSize(); y++) {
            d.append('M').append(Svg.number(left)).append(' ').append(Svg.number(PLANE_TOP + y * scale))
                    .append('h').append(Svg.number(columns.inputSize() * scale));
        }
        svg.path(d.toString(), "class", "cells", "stroke", CELL_LINE, "fill", "none");
    }

    /** Input indices along the top (columns) and the left (rows), at steps that leave their labels room. */
    private void axes(Svg svg) {
        double right = left + columns.inputSize() * scale;
        double bottom = PLANE_TOP + rows.inputSize() * scale;
        svg.group("class", "columns", "font-size", TICK_FONT, "text-anchor", "middle");
        svg.text((left + right) / 2, PLANE_TOP - 26, "input column (W)", "font-size", FONT);
        long step = columnStep();
        for (long c = 0; c < columns.inputSize(); c += step) {
            double x = left + (c + 0.5) * scale;
            svg.line(x, PLANE_TOP - 4, x, PLANE_TOP, "stroke", "black");
            svg.text(x, PLANE_TOP - 7, Long.toString(c));
        }
        svg.end();
        svg.group("class", "rows", "font-size", TICK_FONT, "text-anchor", "end");
        double titleX = MARGIN + FONT;
        double titleY = (PLANE_TOP + bottom) / 2;
        svg.text(titleX, titleY, "input row (H)", "font-size", FONT, "text-anchor", "middle",
                "transform", "rotate(-90 " + Svg.number(titleX) + " " + Svg.number(titleY) + ")");
        step = rowStep();
        for (long r = 0; r < rows.inputSize(); r += step) {
            double y = PLANE_TOP + (r + 0.5) * scale;
            svg.line(left - 4, y, left, y, "stroke", "black");
            svg.text(left - 7, y + 4, Long.toString(r));
        }
        svg.end();
    }

    /** The bins of one colour of the checkerboard: those whose row and column add up to an even or an odd number. */
    private void bins(Svg svg, int colour) {
        boolean outlined = binPixels >= 8;
        double stroke = binPixels >= 24 ? 2 : 1;
        // Outlines sit inside their bin, the two colours at different depths, so that bins that touch or
        // overlap keep their own visible edges.
        double inset = outlined ? Math.min(binPixels / 16, 2) + colour * Math.min(binPixels / 10, 4) + stroke / 2 : 0;
        boolean tooltips = rows.outputSize() * columns.outputSize() <= TOOLTIP_BINS;
        svg.group("class", "bins", "fill", BIN[colour], "fill-opacity", BIN_OPACITY,
                "stroke", outlined ? BIN[colour] : "none", "stroke-width", stroke);
        for (long i = 0; i < rows.outputSize(); i++) {
            for (long j = (i + colour) % 2; j < columns.outputSize(); j += 2) {
                double x = left + columns.start(j) * scale + inset;
                double y = PLANE_TOP + rows.start(i) * scale + inset;
                double width = (columns.end(j) - columns.start(j)) * scale - 2 * inset;
                double height = (rows.end(i) - rows.start(i)) * scale - 2 * inset;
                if (tooltips) {
                    svg.rectWithTooltip(tooltip(i, j), x, y, width, height);
                } else {
                    svg.rect(x, y, width, height);
                }
            }
        }
        svg.end();
    }

    private void outputLabels(Svg svg) {
        // A white halo under each label keeps it readable over the bins' outlines.
        svg.group("class", "output-cells", "font-size", LABEL_FONT, "text-anchor", "middle", "fill", "#222222",
                "stroke", "white", "stroke-width", 3, "stroke-opacity", 0.8, "paint-order", "stroke");
        for (long i = 0; i < rows.outputSize(); i++) {
            double y = PLANE_TOP + (rows.start(i) + rows.end(i)) / 2.0 * scale + LABEL_FONT / 2 - 1;
            for (long j = 0; j < columns.outputSize(); j++) {
                svg.text(left + (columns.start(j) + columns.end(j)) / 2.0 * scale, y, label(i, j));
            }
        }
        svg.end();
    }

    private String[] legendTexts() {
        String cells = "an input cell; the axes count input rows and columns from 0";
        String bin = "a bin: the input cells that one output cell pools; neighbouring bins alternate blue and orange";
        String overlap = "darker: cells that several bins read, where neighbouring bins overlap";
        return labelled ? new String[] {cells, bin, overlap, "the output cell (row i, column j) that the bin is pooled into"}
                : new String[] {cells, bin, overlap};
    }

    /** Each legend entry with a swatch drawn as the plane draws what it explains. */
    private void legend(Svg svg, String[] texts, double top) {
        svg.group("class", "legend");
        for (int k = 0; k < texts.length; k++) {
            double y = top + k * LEGEND_ROW;
            switch (k) {
                case 0 -> svg.rect(MARGIN, y - 12, 16, 16, "fill", CELL, "stroke", CELL_LINE);
                case 1 -> {
                    svg.rect(MARGIN, y - 12, 16, 16, "fill", BIN[0], "fill-opacity", BIN_OPACITY, "stroke", BIN[0]);
                    svg.rect(MARGIN + 18, y - 12, 16, 16, "fill", BIN[1], "fill-opacity", BIN_OPACITY, "stroke", BIN[1]);
                }
                case 2 -> {
                    svg.rect(MARGIN, y - 12, 24, 16, "fill", BIN[0], "fill-opacity", BIN_OPACITY, "stroke", BIN[0]);
                    svg.rect(MARGIN + 12, y - 12, 24, 16, "fill", BIN[1], "fill-opacity", BIN_OPACITY, "stroke", BIN[1]);
                }
                default -> svg.text(MARGIN + SWATCH / 2, y, "(i,j)", "font-size", LABEL_FONT, "text-anchor", "middle");
            }
            svg.text(MARGIN + SWATCH + 8, y, texts[k]);
        }
        svg.end();
    }

    private String tooltip(long i, long j) {
        return "output (" + i + "," + j + "): input rows " + rows.start(i) + " to " + (rows.end(i) - 1) + ", columns "
                + columns.start(j) + " to " + (columns.end(j) - 1);
    }

    private static String label(long i, long j) {
        return "(" + i + "," + j + ")";
    }

    /** The fewest pixels between the centres of neighbouring bins, or a lone bin's length. */
    private double spacing(AxisBins bins) {
        double fewest = (bins.end(0) - bins.start(0)) * scale;
        for (long i = 1; i < bins.outputSize(); i++) {
            fewest = Math.min(fewest, (bins.start(i) + bins.end(i) - bins.start(i - 1) - bins.end(i - 1)) / 2.0 * scale);
        }
        return fewest;
    }

    private long columnStep() {
        double labelWidth = Svg.textWidth(Long.toString(columns.inputSize() - 1), TICK_FONT);
        return tickStep(labelWidth + 14);
    }

    private long rowStep() {
        return tickStep(TICK_FONT + 9);
    }

    /** Input cells between ticks: 1, 2, 5, 10, ... whichever first puts them {@code pixels} apart. */
    private long tickStep(double pixels) {
        return (long) Svg.niceStep(Math.max(1, pixels / scale));
    }

    private static long lastTick(long cells, long step) {
        return (cells - 1) / step * step;
    }
}
