package dev.clpool.cli;

import dev.clpool.plan.AxisBins;
import java.util.ArrayList;
import java.util.List;

/**
 * The input plane drawn in the terminal: one character per input cell, lines where bins start, and in
 * each cell how many bins use it ({@code ·} for one, a digit for more), so overlaps stand out.
 */
final class GridPicture {
    /** The largest axis drawn; larger planes are summarised instead. */
    static final int MAX_CELLS = 48;

    /** The characters of the pictures: box drawing, or plain ASCII where stdout cannot encode it; {@code filled} draws a bin's cells. */
    record Glyphs(char horizontal, char vertical, char[][] junctions, char single, char many, char filled) {
        static final Glyphs UNICODE = new Glyphs('\u2500', '\u2502', new char[][] {
            {'\u250c', '\u252c', '\u2510'}, {'\u251c', '\u253c', '\u2524'}, {'\u2514', '\u2534', '\u2518'}}, '\u00b7', '+', '\u2588');
        static final Glyphs ASCII = new Glyphs('-', '|', new char[][] {
            {'+', '+', '+'}, {'+', '+', '+'}, {'+', '+', '+'}}, '.', '+', '#');

        /** The corner, tee or cross where a horizontal and a vertical line meet. */
        char junction(boolean top, boolean bottom, boolean left, boolean right) {
            return junctions[top ? 0 : bottom ? 2 : 1][left ? 0 : right ? 2 : 1];
        }
    }

    private GridPicture() {
    }

    static boolean fits(AxisBins rows, AxisBins columns) {
        return rows.inputSize() <= MAX_CELLS && columns.inputSize() <= MAX_CELLS;
    }

    /** The picture's lines; the plane must {@link #fits fit}. */
    static List<String> draw(AxisBins rows, AxisBins columns, Glyphs g) {
        int h = (int) rows.inputSize();
        int w = (int) columns.inputSize();
        long[] rowCover = cover(rows);
        long[] columnCover = cover(columns);
        boolean[] rowLine = starts(rows);
        boolean[] columnLine = starts(columns);
        List<String> lines = new ArrayList<>();
        for (int y = 0; y <= h; y++) {
            if (rowLine[y]) {
                StringBuilder b = new StringBuilder();
                for (int x = 0; x <= w; x++) {
                    b.append(columnLine[x] ? g.junction(y == 0, y == h, x == 0, x == w) : g.horizontal());
                    if (x < w) {
                        b.append(g.horizontal());
                    }
                }
                lines.add(b.toString());
            }
            if (y < h) {
                StringBuilder b = new StringBuilder();
                for (int x = 0; x <= w; x++) {
                    b.append(columnLine[x] ? g.vertical() : ' ');
                    if (x < w) {
                        long c = rowCover[y] * columnCover[x];
                        b.append(c == 1 ? g.single() : c <= 9 ? (char) ('0' + c) : g.many());
                    }
                }
                lines.add(b.toString());
            }
        }
        return lines;
    }

    /** How many bins cover each input cell of a small axis. */
    private static long[] cover(AxisBins bins) {
        long[] cover = new long[(int) bins.inputSize()];
        for (long i = 0; i < bins.outputSize(); i++) {
            for (long c = bins.start(i); c < bins.end(i); c++) {
                cover[(int) c]++;
            }
        }
        return cover;
    }

    /** Where lines go: where a bin starts, and the far edge. */
    private static boolean[] starts(AxisBins bins) {
        boolean[] line = new boolean[(int) bins.inputSize() + 1];
        for (long i = 0; i < bins.outputSize(); i++) {
            line[(int) bins.start(i)] = true;
        }
        line[line.length - 1] = true;
        return line;
    }
}
