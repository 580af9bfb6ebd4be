package dev.clpool.bench;

import dev.clpool.io.Svg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bar chart of benchmark results as SVG: per case (input shape and output size) one bar per series
 * (mode, storage and device) giving the kernel's GB/s, and each device's copy bandwidth, measured in the
 * same run, as a dashed line: the ceiling the bars aim at.
 */
public final class BenchChart {
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    /** Dark colours for the ceilings, so that they stand apart from the bars. */
    private static final String[] CEILING = {"#222222", "#8b1a1a", "#1a3f8b", "#2e6b1e"};
    private static final String DASHES = "6 4";
    private static final double FONT = 12;
    private static final double TITLE_FONT = 16;
    private static final double LABEL_FONT = 11;
    private static final double MARGIN = 20;
    private static final double BAR = 16;
    private static final double BAR_GAP = 3;
    private static final double PLOT_TOP = 70;
    private static final double PLOT_HEIGHT = 360;
    private static final double BASE = PLOT_TOP + PLOT_HEIGHT;
    private static final double LEGEND_TOP = BASE + 84;
    private static final double LEGEND_ROW = 20;
    private static final double SWATCH = 24;
    private static final String SUBTITLE = "bars: bytes the kernel reads and writes per second; dashed lines: each "
            + "device's copy bandwidth, measured in the same run";
    private static final String Y_TITLE = "kernel bandwidth (GB/s)";
    private static final String X_TITLE = "input shape [N,C,H,W] \u2192 output size";

    private final Map<String, List<BenchResult>> byCase = new LinkedHashMap<>();
    private final List<String> series = new ArrayList<>();
    private final Map<String, Double> ceilings = new LinkedHashMap<>();
    private final double step;
    private final double axisTop;
    private final double plotLeft;
    private final double groupWidth;

    private BenchChart(List<BenchResult> results) {
        double top = 0;
        for (BenchResult r : results) {
            byCase.computeIfAbsent(r.shape() + "\u2192" + r.outputSize(), k -> new ArrayList<>()).add(r);
            if (!series.contains(seriesName(r))) {
                series.add(seriesName(r));
            }
            if (Double.isFinite(r.copyGbps())) {
                ceilings.put(r.device(), r.copyGbps());
                top = Math.max(top, r.copyGbps());
            }
            top = Math.max(top, height(r));
        }
        step = Svg.niceStep(top > 0 ? top / 6 : 1);
        axisTop = step * Math.max(1, Math.ceil(top * 1.02 / step));
        double tickLabels = 0;
        for (int i = 0; i <= ticks(); i++) {
            tickLabels = Math.max(tickLabels, Svg.textWidth(Svg.number(i * step), LABEL_FONT));
        }
        plotLeft = MARGIN + FONT + 10 + tickLabels + 6;
        double labels = 0;
        for (List<BenchResult> group : byCase.values()) {
            labels = Math.max(labels, Svg.textWidth(group.get(0).shape(), LABEL_FONT));
        }
        groupWidth = Math.max(Math.max(series.size() * (BAR + BAR_GAP) - BAR_GAP + 16, labels + 10), 60);
    }

    /** The chart of {@code results}, one bar each, titled {@code title}. */
    public static String svg(List<BenchResult> results, String title) {
        return new BenchChart(results).draw(title);
    }

    private String draw(String title) {
        double plotWidth = groupWidth * Math.max(1, byCase.size());
        double legendWidth = 0;
        for (String s : legendTexts()) {
            legendWidth = Math.max(legendWidth, Svg.textWidth(s, FONT));
        }
        double width = Math.max(plotLeft + plotWidth + MARGIN, Math.max(
                2 * MARGIN + SWATCH + 8 + legendWidth,
                2 * MARGIN + Math.max(Svg.textWidth(title, TITLE_FONT), Svg.textWidth(SUBTITLE, FONT))));
        double height = LEGEND_TOP + LEGEND_ROW * (series.size() + ceilings.size() - 1) + MARGIN;
        Svg svg = new Svg(Math.ceil(width), Math.ceil(height), title, FONT);
        svg.text(MARGIN, 28, title, "font-size", TITLE_FONT, "font-weight", "bold");
        svg.text(MARGIN, 50, SUBTITLE, "fill", "#555555");
        yAxis(svg, plotWidth);
        bars(svg);
        ceilingLines(svg, plotWidth);
        xAxis(svg, plotWidth);
        legend(svg);
        return svg.toString();
    }

    private void yAxis(Svg svg, double plotWidth) {
        svg.group("class", "y-axis", "font-size", LABEL_FONT, "text-anchor", "end");
        for (int i = 0; i <= ticks(); i++) {
            double y = y(i * step);
            svg.line(plotLeft, y, plotLeft + plotWidth, y, "stroke", "#e0e0e0");
            svg.text(plotLeft - 6, y + 4, Svg.number(i * step));
        }
        svg.line(plotLeft, PLOT_TOP, plotLeft, BASE, "stroke", "black");
        double x = MARGIN + FONT;
        double y = PLOT_TOP + PLOT_HEIGHT / 2;
        svg.text(x, y, Y_TITLE, "font-size", FONT, "text-anchor", "middle",
                "transform", "rotate(-90 " + Svg.number(x) + " " + Svg.number(y) + ")");
        svg.end();
    }

    private void bars(Svg svg) {
        svg.group("class", "bars");
        int g = 0;
        for (List<BenchResult> group : byCase.values()) {
            double x0 = plotLeft + g * groupWidth + (groupWidth - (series.size() * (BAR + BAR_GAP) - BAR_GAP)) / 2;
            for (BenchResult r : group) {
                int s = series.indexOf(seriesName(r));
                double top = y(height(r));
                svg.rectWithTooltip(tooltip(r), x0 + s * (BAR + BAR_GAP), top, BAR, BASE - top, "fill", PALETTE[s % PALETTE.length]);
            }
            g++;
        }
        svg.end();
    }

    private void ceilingLines(Svg svg, double plotWidth) {
        svg.group("class", "ceilings", "stroke-width", 1.5, "stroke-dasharray", DASHES);
        int d = 0;
        for (double copy : ceilings.values()) {
            svg.line(plotLeft, y(copy), plotLeft + plotWidth, y(copy), "stroke", CEILING[d++ % CEILING.length]);
        }
        svg.end();
    }

    /** The axis line, each case's shape and output size under its bars, and the axis' title. */
    private void xAxis(Svg svg, double plotWidth) {
        svg.group("class", "x-axis", "font-size", LABEL_FONT, "text-anchor", "middle");
        svg.line(plotLeft, BASE, plotLeft + plotWidth, BASE, "stroke", "black");
        int g = 0;
        for (List<BenchResult> group : byCase.values()) {
            double x = plotLeft + (g++ + 0.5) * groupWidth;
            svg.text(x, BASE + 18, group.get(0).shape());
            svg.text(x, BASE + 33, "\u2192 " + group.get(0).outputSize());
        }
        svg.text(plotLeft + plotWidth / 2, BASE + 58, X_TITLE, "font-size", FONT);
        svg.end();
    }

    private void legend(Svg svg) {
        svg.group("class", "legend");
        List<String> texts = legendTexts();
        for (int i = 0; i < texts.size(); i++) {
            double y = LEGEND_TOP + i * LEGEND_ROW;
            if (i < series.size()) {
                svg.rect(MARGIN, y - 10, SWATCH, 12, "fill", PALETTE[i % PALETTE.length]);
            } else {
                svg.line(MARGIN, y - 4, MARGIN + SWATCH, y - 4, "stroke", CEILING[(i - series.size()) % CEILING.length],
                        "stroke-width", 1.5, "stroke-dasharray", DASHES);
            }
            svg.text(MARGIN + SWATCH + 8, y, texts.get(i));
        }
        svg.end();
    }

    /** The series' names, then a line per device's ceiling. */
    private List<String> legendTexts() {
        List<String> texts = new ArrayList<>(series);
        ceilings.forEach((device, copy) -> texts.add(String.format(Locale.ROOT, "copy bandwidth of %s: %.1f GB/s", device, copy)));
        return texts;
    }

    private int ticks() {
        return (int) Math.round(axisTop / step);
    }

    private double y(double gbps) {
        return BASE - PLOT_HEIGHT * gbps / axisTop;
    }

    /** A result's GB/s, 0 where it has none (a kernel too fast to time). */
    private static double height(BenchResult r) {
        return Double.isFinite(r.gbps()) ? r.gbps() : 0;
    }

    private static String tooltip(BenchResult r) {
        return String.format(Locale.ROOT, "%s, %s \u2192 %s: %.1f GB/s, %.0f%% of copy bandwidth (kernel %s, %.4f ms)",
                seriesName(r), r.shape(), r.outputSize(), r.gbps(), 100 * r.fractionOfCopy(), r.kernel(), r.kernelMsMedian());
    }

    private static String seriesName(BenchResult r) {
        return r.mode() + r.storageSuffix() + " on " + r.device();
    }
}
