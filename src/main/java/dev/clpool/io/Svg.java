package dev.clpool.io;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A small SVG writer: rectangles, lines, paths and text in groups, on a white page with an accessible
 * title. Text is left to the viewer's fonts, so nothing needs fonts where the file is written. Attributes
 * are name, value pairs; numbers are written with at most two decimals whatever the locale, so the same
 * drawing is the same bytes.
 */
public final class Svg {
    /** Average advance of a sans-serif character, in ems: generous, as the viewer picks the font. */
    private static final double CHARACTER_WIDTH = 0.62;

    private final StringBuilder out = new StringBuilder();
    private int depth = 1;

    /** A page of {@code width} x {@code height} px titled {@code title}, with default text of {@code fontSize} px. */
    public Svg(double width, double height, String title, double fontSize) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"");
        attributes(new Object[] {"width", width, "height", height, "viewBox", "0 0 " + number(width) + " " + number(height),
            "font-family", "sans-serif", "font-size", fontSize});
        out.append(">\n  <title>").append(escape(title)).append("</title>\n");
        rect(0, 0, width, height, "fill", "white");
    }

    /** A rough width of {@code text} at {@code fontSize} px, for layouts that must leave it room. */
    public static double textWidth(String text, double fontSize) {
        return text.codePointCount(0, text.length()) * CHARACTER_WIDTH * fontSize;
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, ... (and 0.5, 0.2, 0.1, ...) that is at least {@code minimum}: a step between axis ticks. */
    public static double niceStep(double minimum) {
        if (!(minimum > 0) || Double.isInfinite(minimum)) {
            throw new IllegalArgumentException("a step must be a positive number, got " + minimum);
        }
        double step = Math.pow(10, Math.floor(Math.log10(minimum)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (step * factor >= minimum * (1 - 1e-9)) {
                return step * factor;
            }
        }
        throw new AssertionError(minimum);
    }

    public Svg rect(double x, double y, double width, double height, Object... attributes) {
        return element("rect", null, concat(new Object[] {"x", x, "y", y, "width", width, "height", height}, attributes));
    }

    /** A rectangle with a tooltip, which viewers show when the pointer is over it. */
    public Svg rectWithTooltip(String tooltip, double x, double y, double width, double height, Object... attributes) {
        return element("rect", tooltip, concat(new Object[] {"x", x, "y", y, "width", width, "height", height}, attributes));
    }

    public Svg line(double x1, double y1, double x2, double y2, Object... attributes) {
        return element("line", null, concat(new Object[] {"x1", x1, "y1", y1, "x2", x2, "y2", y2}, attributes));
    }

    /** A path; {@code d} is its path data, e.g. {@code M0 0h10}. */
    public Svg path(String d, Object... attributes) {
        return element("path", null, concat(new Object[] {"d", d}, attributes));
    }

    public Svg text(double x, double y, String text, Object... attributes) {
        indent();
        out.append("<text");
        attributes(concat(new Object[] {"x", x, "y", y}, attributes));
        out.append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    /** Opens a group, whose attributes its elements inherit; {@link #end} closes it. */
    public Svg group(Object... attributes) {
        indent();
        out.append("<g");
        attributes(attributes);
        out.append(">\n");
        depth++;
        return this;
    }

    public Svg end() {
        if (depth == 1) {
            throw new IllegalStateException("no group to end");
        }
        depth--;
        indent();
        out.append("</g>\n");
        return this;
    }

    /** The document, every group ended. */
    @Override
    public String toString() {
        if (depth != 1) {
            throw new IllegalStateException((depth - 1) + " groups not ended");
        }
        return out + "</svg>\n";
    }

    /** {@code v} with at most two decimals, no trailing zeros, no exponent: {@code 12}, {@code 0.5}, {@code -3.25}. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        BigDecimal rounded = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }

    /** An element without content, or with a tooltip as its {@code <title>} child. */
    private Svg element(String name, String tooltip, Object[] attributes) {
        indent();
        out.append('<').append(name);
        attributes(attributes);
        if (tooltip == null) {
            out.append("/>\n");
        } else {
            out.append("><title>").append(escape(tooltip)).append("</title></").append(name).append(">\n");
        }
        return this;
    }

    private void attributes(Object[] pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs; got " + pairs.length + " items");
        }
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            String text = value instanceof Double || value instanceof Float ? number(((Number) value).doubleValue())
                    : String.valueOf(value);
            out.append(' ').append(pairs[i]).append("=\"").append(escape(text)).append('"');
        }
    }

    private void indent() {
        out.append("  ".repeat(depth));
    }

    private static Object[] concat(Object[] first, Object[] rest) {
        Object[] all = new Object[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    /** Text as XML character data or an attribute value; control characters, which XML cannot hold, are dropped. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\t', '\n', '\r' -> b.append(ch);
                default -> {
                    if (ch >= 0x20) {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
