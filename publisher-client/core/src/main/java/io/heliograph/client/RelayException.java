package io.heliograph.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The relay refused an event (a problem response) or could not be reached ({@link #status()} 0).
 */
public class RelayException extends RuntimeException {

    /** The status used when no HTTP response was received at all. */
    public static final int UNREACHABLE = 0;

    private final int status;
    private final String title;
    private final String detail;
    private final Duration retryAfter;

    public RelayException(int status, String title, String detail, Duration retryAfter, Throwable cause) {
        super(status == UNREACHABLE ? "pubsub-relay unreachable: " + detail
                : "pubsub-relay answered " + status + " " + title + (detail == null ? "" : ": " + detail), cause);
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /**
     * The failure as a RelayException: itself, or an unreachable relay for any other error (refused connection,
     * timeout, reset), unwrapping the {@code CompletionException} of an async stage first.
     */
    static RelayException of(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RelayException relay) {
            return relay;
        }
        String detail = cause instanceof java.net.http.HttpTimeoutException
                ? "no answer within the request timeout (" + cause.getMessage() + ")"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new RelayException(UNREACHABLE, "Unreachable", detail, null, cause);
    }

    /** The HTTP status, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The delay the relay asked for before a new attempt ({@code Retry-After}), when it gave one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether the same request may succeed later: rate limited, Redis unavailable, or no answer. */
    public boolean isTransient() {
        return status == UNREACHABLE || status == 429 || status == 502 || status == 503 || status == 504;
    }
}
