package io.heliograph.fetcher.summary;

import java.util.function.UnaryOperator;

import io.smallrye.mutiny.Uni;

/**
 * One API feeding part of the {@link DashboardSummary}. Implementations are stateless CDI beans:
 * the schedule, timeout, backoff and staleness bookkeeping live in {@link SummaryService}, the same
 * for every source.
 */
public interface SummarySource {

    /** The key of this source in {@link DashboardSummary#sources()}. */
    String name();

    /** False when the source needs a key that is not configured; it is then left out entirely. */
    default boolean configured() {
        return true;
    }

    /**
     * One request. The item sets this source's fields on a summary; a failure is any exception,
     * described by {@link io.heliograph.fetcher.source.SourceErrors}.
     */
    Uni<UnaryOperator<DashboardSummary>> fetch();

    /** Whether the summary already shows a value from this source (then a failure makes it stale). */
    boolean hasValue(DashboardSummary summary);

    /** Removes anything secret (an API key in the request URL) from an error description. */
    default String redact(String message) {
        return message;
    }
}
