package io.heliograph.bench;

import java.util.Arrays;
import java.util.Locale;

/** The arithmetic of {@code compare}: medians over rounds and the gateway / floor ratio. */
final class Stats {

    private Stats() {
    }

    /** Median of the values that were measured (NaN ones are left out); NaN when none were. */
    static double median(double... values) {
        double[] measured = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (measured.length == 0) {
            return Double.NaN;
        }
        int mid = measured.length / 2;
        return measured.length % 2 == 1 ? measured[mid] : (measured[mid - 1] + measured[mid]) / 2;
    }

    /**
     * {@code gateway / floor}: NaN when either is missing, 1 when both are zero (no loss on either
     * side is a tie), +infinity when only the floor's is zero.
     */
    static double ratio(double gateway, double floor) {
        if (Double.isNaN(gateway) || Double.isNaN(floor)) {
            return Double.NaN;
        }
        if (floor == 0) {
            return gateway == 0 ? 1 : Double.POSITIVE_INFINITY;
        }
        return gateway / floor;
    }

    /** A ratio as the table prints it: "1.23x", "inf", "n/a". */
    static String ratioText(double ratio) {
        if (Double.isNaN(ratio)) {
            return "n/a";
        }
        if (Double.isInfinite(ratio)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** A figure with a precision that suits its size; "n/a" when not measured. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        String format = abs >= 1000 ? "%,.0f" : abs >= 100 ? "%.1f" : abs >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, value);
    }
}
