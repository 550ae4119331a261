package io.heliograph.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns an error response of the relay into a {@link RelayException} carrying its problem and Retry-After. */
class RelayResponseExceptionMapper implements ResponseExceptionMapper<RelayException> {

    @Override
    public RelayException toThrowable(Response response) {
        String title = response.getStatusInfo().getReasonPhrase();
        String detail = null;
        try {
            response.bufferEntity();
            JsonNode problem = response.readEntity(JsonNode.class);
            if (problem != null) {
                title = problem.path("title").asText(title);
                detail = problem.path("detail").asText(null);
            }
        } catch (RuntimeException notJson) {
            // A proxy or the HTTP layer itself (for example a 413 from the body limit) may answer without JSON.
        }
        return new RelayException(response.getStatus(), title, detail,
                parseRetryAfter(response.getHeaderString(HttpHeaders.RETRY_AFTER), Instant.now()), null);
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
