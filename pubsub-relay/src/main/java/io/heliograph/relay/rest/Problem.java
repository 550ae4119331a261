package io.heliograph.relay.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem object. {@code code} is an extension member carrying the protocol error code
 * (PROTOCOL.md section 4), so publishers can branch on it without parsing {@code detail}; {@code id}
 * is the event's id when the failure is about one event (a 503 carries it, so a retry with it is
 * published at most once even when the publisher sent no id).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code, String id) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
