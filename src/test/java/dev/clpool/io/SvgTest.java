package dev.clpool.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clpool.testing.SvgDocument;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** {@link Svg} writes well-formed SVG, escapes what it is given, and the same drawing is the same bytes in any locale. */
class SvgTest {
    private static String drawing() {
        return new Svg(120.5, 80, "a <title> & \"quotes\"", 12)
                .group("class", "things", "fill", "#123456")
                .rect(1, 2.25, 3.125, 4)
                .rectWithTooltip("bin (0, 1) <tip>", 0, 0, 10, 10, "fill-opacity", 0.3)
                .line(0, 0.5, 10, 0.5, "stroke", "black", "stroke-dasharray", "6 4")
                .path("M0 0h10")
                .text(5, 6, "x < y & \u2192 \u00d7", "text-anchor", "middle")
                .end()
                .toString();
    }

    @Test
    void writesWellFormedSvgWithTitleGroupsAndTooltips() {
        SvgDocument doc = SvgDocument.parse(drawing());
        assertEquals("a <title> & \"quotes\"", doc.title());
        assertEquals(120.5, doc.width());
        assertEquals(80, doc.height());
        List<Element> rects = doc.in("things", "rect");
        assertEquals(2, rects.size());
        assertEquals("3.12", rects.get(0).getAttribute("width"), "two decimals, half to even");
        assertEquals("#123456", SvgDocument.inherited(rects.get(0), "fill"));
        assertNull(SvgDocument.tooltip(rects.get(0)));
        assertEquals("bin (0, 1) <tip>", SvgDocument.tooltip(rects.get(1)));
        assertEquals(List.of("x < y & \u2192 \u00d7"), doc.texts("things"));
        assertEquals("6 4", doc.in("things", "line").get(0).getAttribute("stroke-dasharray"));
        assertEquals(1, doc.in("things", "path").size());
    }

    @Test
    void theSameDrawingIsTheSameBytesInAnyLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            String german = drawing();
            Locale.setDefault(Locale.ROOT);
            assertEquals(drawing(), german);
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void numbersHaveAtMostTwoDecimalsAndNoExponent() {
        assertEquals("12", Svg.number(12));
        assertEquals("0.5", Svg.number(0.5));
        assertEquals("-3.25", Svg.number(-3.25));
        assertEquals("0", Svg.number(-0.0));
        assertEquals("0", Svg.number(1e-9));
        assertEquals("12345678901", Svg.number(1.2345678901e10));
        assertThrows(IllegalArgumentException.class, () -> Svg.number(Double.NaN));
    }

    @Test
    void controlCharactersThatXmlCannotHoldAreDropped() {
        String svg = new Svg(1, 1, "a\u0001b\tc", 12).toString();
        assertEquals("ab\tc", SvgDocument.parse(svg).title());
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(1, Svg.niceStep(1));
        assertEquals(2, Svg.niceStep(1.2));
        assertEquals(5, Svg.niceStep(3));
        assertEquals(10, Svg.niceStep(6));
        assertEquals(200, Svg.niceStep(102));
        assertEquals(0.5, Svg.niceStep(0.31), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Svg.niceStep(0));
    }

    @Test
    void groupsMustBeEnded() {
        Svg svg = new Svg(1, 1, "t", 12).group();
        assertThrows(IllegalStateException.class, svg::toString);
        assertThrows(IllegalStateException.class, () -> new Svg(1, 1, "t", 12).end());
        assertThrows(IllegalArgumentException.class, () -> new Svg(1, 1, "t", 12).rect(0, 0, 1, 1, "fill"));
    }

    /** The bytes themselves: one element a line, indented two spaces a group, attributes in the order given. */
    @Test
    void elementsAreWrittenOneALineIndentedByTheirGroups() {
        String svg = new Svg(20, 10.5, "t", 12).group("fill", "red").rect(1, 2, 3, 4).group()
                .text(5, 6, "x", "text-anchor", "end").end().line(0, 0, 1, 1).end().path("M0 0h1").toString();
        assertEquals("""
                <?xml version="1.0" encoding="UTF-8"?>
                <svg xmlns="http://www.w3.org/2000/svg" width="20" height="10.5" viewBox="0 0 20 10.5" font-family="sans-serif" font-size="12">
                  <title>t</title>
                  <rect x="0" y="0" width="20" height="10.5" fill="white"/>
                  <g fill="red">
                    <rect x="1" y="2" width="3" height="4"/>
                    <g>
                      <text x="5" y="6" text-anchor="end">x</text>
                    </g>
                    <line x1="0" y1="0" x2="1" y2="1"/>
                  </g>
                  <path d="M0 0h1"/>
                </svg>
                """, svg);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Svg(1, 1, "t", 12).group().group().toString());
        assertEquals("2 groups not ended", e.getMessage());
    }
}
