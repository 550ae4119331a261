package io.heliograph.fetcher.summary;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of one summary source, kept in the cached summary so that whichever replica holds the
 * fleet lock next continues the same schedule.
 *
 * @param status           {@code ok}: its values are from the last attempt; {@code stale}: the last
 *                         attempt failed and older values are shown; {@code error}: it never answered
 * @param lastSuccess      the last successful fetch
 * @param staleSince       the first failure after the last success (null while {@code ok})
 * @param lastError        why the last attempt failed (secrets removed); null while {@code ok}
 * @param failures         failed attempts in a row
 * @param nextAttemptAt    when the source is due again (interval after a success, backoff after a failure)
 * @param retryAfterUntil  a 429's {@code Retry-After}: not even a forced refresh calls it before then
 */
public record SourceStatus(String status, Instant lastSuccess, Instant staleSince, String lastError, int failures,
        Instant nextAttemptAt, Instant retryAfterUntil) {

    public static final String OK = "ok";
    public static final String STALE = "stale";
    public static final String ERROR = "error";

    public static SourceStatus succeeded(Instant now, Duration interval) {
        return new SourceStatus(OK, now, null, null, 0, now.plus(interval), null);
    }

    /**
     * The state after a failed attempt.
     *
     * @param hasValue   whether an older value is still shown
     * @param retryAfter the server's {@code Retry-After}, or null: then the wait doubles with each failure
     */
    public SourceStatus failed(Instant now, String error, boolean hasValue, Duration retryAfter, Duration interval,
            Duration backoffMax) {
        int n = failures + 1;
        Duration wait = retryAfter != null ? retryAfter : backoff(n, interval, backoffMax);
        return new SourceStatus(hasValue ? STALE : ERROR, lastSuccess,
                staleSince != null ? staleSince : (hasValue ? now : null), error, n, now.plus(wait),
                retryAfter != null ? now.plus(retryAfter) : null);
    }

    /** The never-tried state. */
    public static SourceStatus pending() {
        return new SourceStatus(ERROR, null, null, null, 0, null, null);
    }

    /** interval, 2x, 4x ... capped. */
    static Duration backoff(int failures, Duration interval, Duration max) {
        Duration wait = interval;
        for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    public boolean dueAt(Instant now, boolean forced) {
        if (retryAfterUntil != null && now.isBefore(retryAfterUntil)) {
            return false;
        }
        return forced || nextAttemptAt == null || !now.isBefore(nextAttemptAt);
    }

    /** The part a dashboard renders. */
    SourceStatus content() {
        return new SourceStatus(status, null, staleSince, lastError, 0, null, null);
    }
}
