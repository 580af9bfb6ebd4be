package dev.clpool.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bar chart of benchmark results: per shape, one bar per device and mode giving the kernel's GB/s,
 * with each device's measured copy bandwidth as a dashed line, the ceiling the bars aim at. Text is
 * drawn with {@link PixelFont}, so the chart needs no system fonts.
 */
public final class BenchChart {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private BenchChart() {
    }

    public static BufferedImage draw(List<BenchResult> results, String title) {
        Map<String, List<BenchResult>> byCase = new LinkedHashMap<>();
        List<String> series = new ArrayList<>();
        Map<String, Double> ceilings = new LinkedHashMap<>();
        for (BenchResult r : results) {
            byCase.computeIfAbsent(r.shape() + "→" + r.outputSize(), k -> new ArrayList<>()).add(r);
            String s = seriesName(r);
            if (!series.contains(s)) {
                series.add(s);
            }
            ceilings.put(r.device(), r.copyGbps());
        }
        double top = 1;
        for (BenchResult r : results) {
            top = Math.max(top, Math.max(r.gbps(), r.copyGbps()));
        }
        top *= 1.1;

        int plotLeft = 80;
        int plotTop = 60;
        int groupWidth = Math.max(90, 18 * series.size() + 30);
        int plotWidth = groupWidth * Math.max(1, byCase.size());
        int plotHeight = 420;
        int legendHeight = 20 * (series.size() + ceilings.size()) + 20;
        BufferedImage image = new BufferedImage(plotLeft + plotWidth + 40, plotTop + plotHeight + 110 + legendHeight,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        PixelFont.draw(g, title, plotLeft, 30, 2);

        int baseY = plotTop + plotHeight;
        for (int i = 0; i <= 5; i++) {
            double v = top * i / 5;
            int y = baseY - (int) (plotHeight * v / top);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(plotLeft, y, plotLeft + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            PixelFont.draw(g, String.format(Locale.ROOT, "%.0f", v), 10, y + 4, 1);
        }
        PixelFont.draw(g, "GB/s", 10, plotTop - 10, 1);

        int gi = 0;
        for (Map.Entry<String, List<BenchResult>> e : byCase.entrySet()) {
            int x0 = plotLeft + gi * groupWidth + 15;
            for (BenchResult r : e.getValue()) {
                int s = series.indexOf(seriesName(r));
                int h = (int) (plotHeight * r.gbps() / top);
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x0 + s * 18, baseY - h, 15, h);
            }
            g.setColor(Color.BLACK);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(Math.toRadians(30), x0, baseY + 14);
            PixelFont.draw(rotated, e.getKey(), x0, baseY + 14, 1);
            rotated.dispose();
            gi++;
        }
        int di = 0;
        for (Map.Entry<String, Double> c : ceilings.entrySet()) {
            int y = baseY - (int) (plotHeight * c.getValue() / top);
            g.setColor(PALETTE[(series.size() + di) % PALETTE.length].darker());
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(plotLeft, y, plotLeft + plotWidth, y);
            di++;
        }
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawLine(plotLeft, baseY, plotLeft + plotWidth, baseY);

        int ly = baseY + 100;
        for (int s = 0; s < series.size(); s++) {
            g.setColor(PALETTE[s % PALETTE.length]);
            g.fillRect(plotLeft, ly - 10, 12, 12);
            g.setColor(Color.BLACK);
            PixelFont.draw(g, series.get(s), plotLeft + 20, ly, 1);
            ly += 20;
        }
        di = 0;
        for (Map.Entry<String, Double> c : ceilings.entrySet()) {
            g.setColor(PALETTE[(series.size() + di) % PALETTE.length].darker());
            g.drawLine(plotLeft, ly - 4, plotLeft + 12, ly - 4);
            g.setColor(Color.BLACK);
            PixelFont.draw(g, String.format(Locale.ROOT, "copy bandwidth %.0f GB/s: %s", c.getValue(), c.getKey()),
                    plotLeft + 20, ly, 1);
            ly += 20;
            di++;
        }
        g.dispose();
        return image;
    }

    private static String seriesName(BenchResult r) {
        return r.mode() + r.storageSuffix() + " on " + r.device();
    }
}
