package dev.clpool.bench;

import java.util.List;
import java.util.Locale;

/** Benchmark results as a console table, Markdown and JSON. */
public final class BenchReport {
    private BenchReport() {
    }

    /** A fixed-width table for the terminal. */
    public static String table(List<BenchResult> results) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-22s %-4s %-8s %-6s %-6s %-13s %10s %10s %10s %9s %7s %10s  %s%n",
                "input -> output", "mode", "dtype", "layout", "host", "kernel", "kernel ms", "call ms", "e2e ms", "GB/s", "copy%", "max diff", "device"));
        for (BenchResult r : results) {
            b.append(String.format(Locale.ROOT, "%-22s %-4s %-8s %-6s %-6s %-13s %10.4f %10.3f %10.3f %9.1f %6.0f%% %10.2g  %s%n",
                    r.shape() + "->" + r.outputSize(), r.mode(), r.dtype(), r.layout(), r.host(), r.kernel(), r.kernelMsMedian(),
                    r.callMsMedian(),
                    r.endToEndMsMedian(), r.gbps(), 100 * r.fractionOfCopy(), r.maxAbsDiff(), r.device()));
        }
        return b.toString();
    }

    /** A Markdown table; {@code machine} says where it ran. */
    public static String markdown(List<BenchResult> results, String machine) {
        StringBuilder b = new StringBuilder("Measured on ").append(machine).append(", median of ")
                .append(results.isEmpty() ? 0 : results.get(0).runs()).append(" runs after a warm-up.\n\n")
                .append("| input → output | mode | dtype | layout | host | device | kernel | kernel ms | device call ms"
                        + " | end-to-end ms | GB/s | % of copy bandwidth | max diff vs Java |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult r : results) {
            b.append(String.format(Locale.ROOT, "| %s → %s | %s | %s | %s | %s | %s | %s | %.4f | %.3f | %.3f | %.1f | %.0f%% of %.0f | %.2g |%n",
                    r.shape(), r.outputSize(), r.mode(), r.dtype(), r.layout(), r.host(), r.device(), r.kernel(), r.kernelMsMedian(),
                    r.callMsMedian(),
                    r.endToEndMsMedian(), r.gbps(), 100 * r.fractionOfCopy(), r.copyGbps(), r.maxAbsDiff()));
        }
        return b.toString();
    }

    /**
     * A JSON array of records, one per result, with the fields of {@link BenchResult}; {@code dtype},
     * {@code layout}, {@code host} and {@code call_ms_median} come last, after the fields of earlier versions, which are unchanged.
     */
    public static String json(List<BenchResult> results) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            BenchResult r = results.get(i);
            b.append("  {\"shape\": ").append(quote(r.shape()))
                    .append(", \"output_size\": ").append(quote(r.outputSize()))
                    .append(", \"mode\": ").append(quote(r.mode()))
                    .append(", \"device\": ").append(quote(r.device()))
                    .append(", \"kernel\": ").append(quote(r.kernel()))
                    .append(", \"kernel_ms_median\": ").append(number(r.kernelMsMedian()))
                    .append(", \"end_to_end_ms_median\": ").append(number(r.endToEndMsMedian()))
                    .append(", \"gbps\": ").append(number(r.gbps()))
                    .append(", \"copy_gbps\": ").append(number(r.copyGbps()))
                    .append(", \"fraction_of_copy\": ").append(number(r.fractionOfCopy()))
                    .append(", \"max_abs_diff\": ").append(number(r.maxAbsDiff()))
                    .append(", \"runs\": ").append(r.runs())
                    .append(", \"dtype\": ").append(quote(r.dtype()))
                    .append(", \"layout\": ").append(quote(r.layout()))
                    .append(", \"host\": ").append(quote(r.host()))
                    .append(", \"call_ms_median\": ").append(number(r.callMsMedian()))
                    .append(i + 1 < results.size() ? "},\n" : "}\n");
        }
        return b.append("]\n").toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
