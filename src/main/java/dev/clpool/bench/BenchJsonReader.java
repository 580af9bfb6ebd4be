package dev.clpool.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back what {@link BenchReport#json} writes: a JSON array of flat records whose values are strings,
 * numbers or {@code null} (a number that was not finite). Files of float32-only versions, without
 * {@code dtype} and {@code layout}, read as float32 NCHW; fields it does not know are skipped.
 */
public final class BenchJsonReader {
    private final String text;
    private int at;

    private BenchJsonReader(String text) {
        this.text = text;
    }

    /**
     * The results in {@code json}, in its order.
     *
     * @throws IllegalArgumentException if it is not such an array, naming where and why
     */
    public static List<BenchResult> read(String json) {
        BenchJsonReader reader = new BenchJsonReader(json);
        List<BenchResult> results = reader.results();
        if (reader.next() != -1) {
            throw reader.error("text after the array");
        }
        return results;
    }

    private List<BenchResult> results() {
        expect('[');
        List<BenchResult> results = new ArrayList<>();
        if (!consume(']')) {
            do {
                results.add(result(record(), results.size() + 1));
            } while (consume(','));
            expect(']');
        }
        return results;
    }

    private Map<String, Object> record() {
        expect('{');
        Map<String, Object> fields = new HashMap<>();
        if (!consume('}')) {
            do {
                String name = string();
                expect(':');
                fields.put(name, value());
            } while (consume(','));
            expect('}');
        }
        return fields;
    }

    private Object value() {
        if (next() == '"') {
            return string();
        }
        if (text.startsWith("null", at)) {
            at += 4;
            return Double.NaN;
        }
        int start = at;
        while (at < text.length() && "+-.0123456789eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        try {
            return Double.parseDouble(text.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw error("expected a string, a number or null");
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (at < text.length()) {
            char ch = text.charAt(at++);
            if (ch == '"') {
                return b.toString();
            }
            if (ch != '\\') {
                b.append(ch);
            } else if (at < text.length()) {
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> b.append(escaped);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        try {
                            b.append((char) Integer.parseInt(text.substring(at, Math.min(at + 4, text.length())), 16));
                        } catch (NumberFormatException e) {
                            throw error("expected 4 hex digits after \\u");
                        }
                        at += 4;
                    }
                    default -> throw error("unknown escape \\" + escaped);
                }
            }
        }
        throw error("unterminated string");
    }

    private static BenchResult result(Map<String, Object> f, int index) {
        return new BenchResult(text(f, "shape", index), text(f, "output_size", index), text(f, "mode", index),
                text(f, "device", index), text(f, "kernel", index), number(f, "kernel_ms_median", index),
                number(f, "end_to_end_ms_median", index), number(f, "gbps", index), number(f, "copy_gbps", index),
                number(f, "max_abs_diff", index), (int) number(f, "runs", index),
                f.containsKey("dtype") ? text(f, "dtype", index) : "float32",
                f.containsKey("layout") ? text(f, "layout", index) : "nchw",
                f.containsKey("host") ? text(f, "host", index) : "heap",
                f.containsKey("call_ms_median") ? number(f, "call_ms_median", index) : Double.NaN);
    }

    private static String text(Map<String, Object> fields, String name, int index) {
        return field(fields, name, String.class, "a string", index);
    }

    private static double number(Map<String, Object> fields, String name, int index) {
        return field(fields, name, Double.class, "a number", index);
    }

    private static <T> T field(Map<String, Object> fields, String name, Class<T> type, String what, int index) {
        Object value = fields.get(name);
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        throw new IllegalArgumentException("record " + index + ": " + (value == null ? "no \"" + name + "\""
                : "\"" + name + "\" is not " + what));
    }

    /** Skips white space; the next character, or -1 at the end. */
    private int next() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at < text.length() ? text.charAt(at) : -1;
    }

    private boolean consume(char ch) {
        if (next() == ch) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char ch) {
        if (!consume(ch)) {
            throw error("expected '" + ch + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("at character " + (at + 1) + ": " + what);
    }
}
