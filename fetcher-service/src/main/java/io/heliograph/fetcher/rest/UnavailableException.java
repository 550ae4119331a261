package io.heliograph.fetcher.rest;

/** Redis (the cache and the shared limits) could not be reached: answered with 503. */
public class UnavailableException extends RuntimeException {

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
