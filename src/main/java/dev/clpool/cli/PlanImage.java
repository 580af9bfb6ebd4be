package dev.clpool.cli;

import dev.clpool.plan.AxisBins;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A picture of a plan: the input plane as grey cells, each bin as a translucent rectangle over the cells
 * it reads, blue and orange in a checkerboard so that neighbours differ; where bins overlap their colours
 * stack and the cells look darker. No text, so that it draws on machines without fonts.
 */
final class PlanImage {
    /** The longest side of the drawn plane, in pixels; small planes get up to {@link #MAX_CELL} px per cell. */
    static final int SIDE = 1024;
    static final int MAX_CELL = 48;
    static final int MARGIN = 16;
    /** Beyond this many bins a picture says nothing that the bins table does not. */
    static final long MAX_BINS = 1_000_000;

    static final Color BACKGROUND = Color.WHITE;
    static final Color CELL = new Color(0xEEEEEE);
    static final Color CELL_LINE = new Color(0xBBBBBB);
    static final Color[] BIN = {new Color(0x1F77B4), new Color(0xFF7F0E)};
    static final float BIN_ALPHA = 0.3f;

    private PlanImage() {
    }

    /** Pixels per input cell: whole pixels up to {@link #MAX_CELL} when they fit, fractions for huge planes. */
    static double scale(AxisBins rows, AxisBins columns) {
        long longest = Math.max(rows.inputSize(), columns.inputSize());
        return longest <= SIDE ? Math.min(MAX_CELL, SIDE / longest) : (double) SIDE / longest;
    }

    static BufferedImage draw(AxisSummary rowAxis, AxisSummary columnAxis) {
        AxisBins rows = rowAxis.bins();
        AxisBins columns = columnAxis.bins();
        long bins = rows.outputSize() * columns.outputSize();
        if (bins > MAX_BINS) {
            throw new BadInputException("--png draws at most " + MAX_BINS + " bins; this plan has " + rows.outputSize()
                    + " x " + columns.outputSize());
        }
        double s = scale(rows, columns);
        int width = 2 * MARGIN + (int) Math.ceil(columns.inputSize() * s);
        int height = 2 * MARGIN + (int) Math.ceil(rows.inputSize() * s);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            g.setColor(CELL);
            g.fill(new Rectangle2D.Double(MARGIN, MARGIN, columns.inputSize() * s, rows.inputSize() * s));
            if (s >= 4) {
                drawCellLines(g, rows.inputSize(), columns.inputSize(), s);
            }
            drawBins(g, rows, columns, s, Math.min(rowAxis.minLength(), columnAxis.minLength()) * s);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawCellLines(Graphics2D g, long h, long w, double s) {
        g.setColor(CELL_LINE);
        for (long x = 0; x <= w; x++) {
            g.fill(new Rectangle2D.Double(MARGIN + x * s, MARGIN, 1, h * s));
        }
        for (long y = 0; y <= h; y++) {
            g.fill(new Rectangle2D.Double(MARGIN, MARGIN + y * s, w * s, 1));
        }
    }

    /** Draws every bin; {@code binPixels} is the smallest bin's side, which decides whether outlines fit. */
    private static void drawBins(Graphics2D g, AxisBins rows, AxisBins columns, double s, double binPixels) {
        boolean outlined = binPixels >= 8;
        g.setStroke(new BasicStroke(binPixels >= 24 ? 2f : 1f));
        for (long i = 0; i < rows.outputSize(); i++) {
            for (long j = 0; j < columns.outputSize(); j++) {
                int colour = (int) ((i + j) % 2);
                // Outlines sit inside their bin, the two colours at different depths, so that bins that touch
                // or overlap keep their own visible edges.
                double inset = outlined ? Math.min(binPixels / 16, 2) + colour * Math.min(binPixels / 10, 4) : 0;
                Rectangle2D.Double r = new Rectangle2D.Double(
                        MARGIN + columns.start(j) * s + inset, MARGIN + rows.start(i) * s + inset,
                        (columns.end(j) - columns.start(j)) * s - 2 * inset, (rows.end(i) - rows.start(i)) * s - 2 * inset);
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, BIN_ALPHA));
                g.setColor(BIN[colour]);
                g.fill(r);
                if (outlined) {
                    g.setComposite(AlphaComposite.SrcOver);
                    g.draw(r);
                }
            }
        }
    }

    /** The image as PNG bytes. */
    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
        return bytes.toByteArray();
    }
}
