package io.heliograph.bench;

import java.io.PrintStream;
import java.util.Locale;

/** The printed result: a title, then sections of "label : value" rows. */
final class Report {

    private static final int LABEL_WIDTH = 24;
    private final StringBuilder text = new StringBuilder();

    Report(String title) {
        String rule = "=".repeat(Math.max(20, title.length() + 6));
        text.append('\n').append(rule).append('\n').append("== ").append(title).append('\n').append(rule).append('\n');
    }

    Report section(String name) {
        text.append("-- ").append(name).append('\n');
        return this;
    }

    Report row(String label, Object value) {
        String first = String.format(Locale.ROOT, "  %-" + LABEL_WIDTH + "s: ", label);
        String indent = " ".repeat(first.length());
        text.append(first).append(String.valueOf(value).replace("\n", "\n" + indent)).append('\n');
        return this;
    }

    void print(PrintStream out) {
        out.print(text);
        out.flush();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String rate(long count, long nanos) {
        return String.format(Locale.ROOT, "%,.0f/s", count * 1e9 / Math.max(1, nanos));
    }
}
