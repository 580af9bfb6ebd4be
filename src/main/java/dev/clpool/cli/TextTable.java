package dev.clpool.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns, as wide as their widest cell; columns named in {@code rightAligned} are numbers. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    TextTable(String[] header, boolean... rightAligned) {
        right = new boolean[header.length];
        System.arraycopy(rightAligned, 0, right, 0, Math.min(rightAligned.length, right.length));
        rows.add(header);
    }

    TextTable row(Object... cells) {
        String[] r = new String[right.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length ? String.valueOf(cells[i]) : "";
        }
        rows.add(r);
        return this;
    }

    /** A line of its own, not aligned (e.g. "..." for rows left out). */
    TextTable note(String text) {
        rows.add(new String[] {text});
        return this;
    }

    void print(PrintWriter out, String indent) {
        int[] width = new int[right.length];
        for (String[] r : rows) {
            if (r.length == right.length) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
        }
        for (String[] r : rows) {
            if (r.length != right.length) {
                out.println(indent + r[0]);
                continue;
            }
            StringBuilder b = new StringBuilder(indent);
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(width[i] - r[i].length());
                b.append(i == 0 ? "" : "  ").append(right[i] ? pad + r[i] : r[i] + (i == r.length - 1 ? "" : pad));
            }
            out.println(b);
        }
    }
}
