package io.heliograph.fetcher.source;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Turns whatever a source request failed with into a short, user-readable reason and a retry hint. */
public final class SourceErrors {

    /** The wait assumed when a 429 comes without a usable {@code Retry-After}. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    private SourceErrors() {
    }

    /** The server's {@code Retry-After} when it answered 429, else empty. */
    public static Optional<Duration> retryAfter(Throwable failure) {
        return find(failure, WebApplicationException.class)
                .filter(e -> e.getResponse() != null && e.getResponse().getStatus() == 429)
                .map(e -> parseRetryAfter(e.getResponse().getHeaderString("Retry-After")));
    }

    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_RETRY_AFTER;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return DEFAULT_RETRY_AFTER;
            }
        }
    }

    /** A one-line reason, without stack traces or request URLs. */
    public static String describe(Throwable failure) {
        if (find(failure, io.smallrye.mutiny.TimeoutException.class).isPresent()
                || find(failure, java.util.concurrent.TimeoutException.class).isPresent()) {
            return "timed out";
        }
        Optional<MalformedResponseException> malformed = find(failure, MalformedResponseException.class);
        if (malformed.isPresent()) {
            return "malformed response: " + malformed.get().getMessage();
        }
        Optional<WebApplicationException> http = find(failure, WebApplicationException.class);
        if (http.isPresent() && http.get().getResponse() != null && http.get().getResponse().getStatus() >= 400) {
            Response r = http.get().getResponse();
            String text = "HTTP " + r.getStatus();
            if (r.getStatus() == 429) {
                text += " (Retry-After " + parseRetryAfter(r.getHeaderString("Retry-After")).toSeconds() + " s)";
            }
            return text;
        }
        // The REST client reports a 2xx body it cannot read as a WebApplicationException with that status.
        if (http.isPresent() || find(failure, JsonProcessingException.class).isPresent()) {
            return "malformed response: not the expected JSON";
        }
        if (find(failure, UnknownHostException.class).isPresent()) {
            return "unreachable: unknown host";
        }
        if (find(failure, ConnectException.class).isPresent()) {
            return "unreachable: connection refused";
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    /** Replaces every occurrence of a secret (and its URL-encoded form) with {@code ***}. */
    public static String redact(String message, Optional<String> secret) {
        if (message == null || secret.isEmpty() || secret.get().isEmpty()) {
            return message;
        }
        String s = secret.get();
        return message.replace(s, "***")
                .replace(java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8), "***");
    }
}
