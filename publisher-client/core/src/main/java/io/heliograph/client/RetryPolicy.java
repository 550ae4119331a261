package io.heliograph.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When a failed attempt is tried again. Transient failures (429, 503, 502/504, no answer) are retried up to
 * {@code maxRetries} times; the wait is the relay's {@code Retry-After} when it sent one, else an exponential
 * back-off from {@code initialBackoff}, capped at {@code maxRetryDelay}; a Retry-After beyond that cap fails at once
 * (the relay asked for longer than the caller is prepared to wait).
 *
 * <p>Written by hand rather than with SmallRye Fault Tolerance or another retry library: this core depends on the
 * JDK and Jackson only, and the delay depends on the failure (its Retry-After), which fixed-delay policies cannot
 * express.
 */
record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxRetryDelay) {

    /** The wait before retry number {@code attempt} (1 for the first retry), or null when the failure is final. */
    Duration delayBeforeRetry(RelayException failure, int attempt) {
        if (!failure.isTransient() || attempt > maxRetries) {
            return null;
        }
        if (failure.retryAfter().isPresent()) {
            Duration asked = failure.retryAfter().get();
            return asked.compareTo(maxRetryDelay) > 0 ? null : asked;
        }
        Duration backoff = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        return backoff.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : backoff;
    }

    /** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); null when absent or invalid. */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
