package io.heliograph.fetcher.rest;

import java.time.Duration;

/** A request came before the fleet-wide limit allows it again: answered with 429 and {@code Retry-After}. */
public class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    public RateLimitedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
