package dev.clpool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.SvgDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** {@link BenchChart}: a bar per result, a dashed ceiling per device, axes, a title and a legend, as SVG. */
class BenchChartTest {
    private static final String GPU = "OpenCL: a GPU (Vendor, GPU, 0:0)";
    private static final String JAVA = "Java (2 cores)";

    /**
     * Two devices, two modes, two cases, and a float16 NHWC row for the first case, in the chart's order;
     * the GPU's copy bandwidth 400 GB/s, the Java path's 50.
     */
    private static List<BenchResult> results() {
        List<BenchResult> rs = new ArrayList<>();
        for (String shape : List.of("[64,512,14,14]", "[128,2048,7,7]")) {
            String out = shape.startsWith("[64") ? "7x7" : "1x1";
            for (String mode : List.of("avg", "max")) {
                double factor = mode.equals("avg") ? 1 : 0.5;
                rs.add(new BenchResult(shape, out, mode, GPU, "tiled", 0.1, 2, 200 * factor, 400, 0, 5));
                rs.add(new BenchResult(shape, out, mode, JAVA, "java", 1, 2, 20 * factor, 50, 0, 5));
            }
            if (out.equals("7x7")) {
                rs.add(new BenchResult(shape, out, "avg", GPU, "tiled", 0.1, 2, 300, 400, 0, 5, "float16", "nhwc"));
            }
        }
        return rs;
    }

    @Test
    void drawsABarPerResultWithItsValueAsTooltip() {
        List<BenchResult> results = results();
        SvgDocument doc = SvgDocument.parse(BenchChart.svg(results, "a chart & its title"));
        assertEquals("a chart & its title", doc.title());
        assertTrue(doc.texts().contains("a chart & its title"), "the title is drawn too");
        List<Element> bars = doc.in("bars", "rect");
        assertEquals(results.size(), bars.size());
        double base = bottom(bars.get(0));
        for (int i = 0; i < bars.size(); i++) {
            assertEquals(base, bottom(bars.get(i)), 0.01, "bars stand on the axis");
            BenchResult r = results.get(i);
            String tip = SvgDocument.tooltip(bars.get(i));
            assertTrue(tip.contains(r.shape()) && tip.contains(r.device()) && tip.contains(String.format(Locale.ROOT, "%.1f GB/s", r.gbps())), tip);
        }
        double perGbps = SvgDocument.number(bars.get(0), "height") / results.get(0).gbps();
        for (int i = 0; i < bars.size(); i++) {
            assertEquals(results.get(i).gbps() * perGbps, SvgDocument.number(bars.get(i), "height"), 0.02, "bar " + i);
        }
        // Five series: avg and max per device, and avg float16 nhwc on the GPU; a colour each.
        assertEquals(5, bars.stream().map(b -> b.getAttribute("fill")).distinct().count());
    }

    @Test
    void drawsEachDevicesCopyBandwidthAsADashedLineAtItsHeight() {
        List<BenchResult> results = results();
        SvgDocument doc = SvgDocument.parse(BenchChart.svg(results, "t"));
        List<Element> bars = doc.in("bars", "rect");
        double base = bottom(bars.get(0));
        double perGbps = SvgDocument.number(bars.get(0), "height") / results.get(0).gbps();
        List<Element> ceilings = doc.in("ceilings", "line");
        assertEquals(2, ceilings.size(), "one per device");
        double[] copy = {400, 50};
        for (int d = 0; d < 2; d++) {
            Element line = ceilings.get(d);
            assertEquals("6 4", SvgDocument.inherited(line, "stroke-dasharray"));
            assertEquals(base - copy[d] * perGbps, SvgDocument.number(line, "y1"), 0.02);
            assertEquals(SvgDocument.number(line, "y1"), SvgDocument.number(line, "y2"));
        }
        List<String> legend = doc.texts("legend");
        assertTrue(legend.contains("copy bandwidth of " + GPU + ": 400.0 GB/s"), legend.toString());
        assertTrue(legend.contains("copy bandwidth of " + JAVA + ": 50.0 GB/s"), legend.toString());
        assertEquals(2, doc.in("legend", "line").stream().filter(l -> "6 4".equals(l.getAttribute("stroke-dasharray"))).count());
    }

    @Test
    void hasAxesWithTicksUnitAndCaseLabelsAndALegendPerSeries() {
        SvgDocument doc = SvgDocument.parse(BenchChart.svg(results(), "t"));
        List<String> y = doc.texts("y-axis");
        assertTrue(y.contains("kernel bandwidth (GB/s)"), y.toString());
        // The largest value is 400: ticks of 100 up to 500.
        assertTrue(y.containsAll(List.of("0", "100", "200", "300", "400", "500")), y.toString());
        List<String> x = doc.texts("x-axis");
        assertTrue(x.containsAll(List.of("[64,512,14,14]", "\u2192 7x7", "[128,2048,7,7]", "\u2192 1x1")), x.toString());
        assertTrue(x.contains("input shape [N,C,H,W] \u2192 output size"), x.toString());
        List<String> legend = doc.texts("legend");
        assertTrue(legend.containsAll(List.of("avg on " + GPU, "max on " + GPU, "avg on " + JAVA, "max on " + JAVA,
                "avg float16 nhwc on " + GPU)), legend.toString());
        assertEquals(5, doc.in("legend", "rect").size(), "a swatch per series");
    }

    @Test
    void isTheSameBytesForTheSameResultsInAnyLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            String german = BenchChart.svg(results(), "t");
            Locale.setDefault(Locale.ROOT);
            assertEquals(BenchChart.svg(results(), "t"), german);
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void drawsNoResultsAndResultsWithoutNumbers() {
        SvgDocument.parse(BenchChart.svg(List.of(), "nothing"));
        BenchResult untimed = new BenchResult("[1,1,1,1]", "1x1", "avg", JAVA, "java", 0, 0, Double.NaN, Double.NaN, 0, 1);
        SvgDocument doc = SvgDocument.parse(BenchChart.svg(List.of(untimed), "t"));
        assertEquals(1, doc.in("bars", "rect").size());
        assertEquals(0, doc.in("ceilings", "line").size());
    }

    private static double bottom(Element rect) {
        return SvgDocument.number(rect, "y") + SvgDocument.number(rect, "height");
    }
}
