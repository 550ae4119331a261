package io.heliograph.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds (1 us .. 5 min, 3 significant digits), safe to record from any thread. */
final class Histograms {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

    private Histograms() {
    }

    static Histogram micros() {
        return new ConcurrentHistogram(MAX_MICROS, 3);
    }

    static void recordNanos(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(0, Math.min(MAX_MICROS, nanos / 1000)));
    }

    /** "p50 1.20  p90 ..  p99 ..  p99.9 ..  max .. ms (n=..)". */
    static String summary(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms  (n=%d)",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
    }

    /** A percentile in milliseconds, NaN without samples. */
    static double percentileMs(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, micros < 10_000 ? "%.2f" : "%.1f", micros / 1000.0);
    }
}
