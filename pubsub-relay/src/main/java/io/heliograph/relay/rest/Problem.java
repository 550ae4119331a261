package io.heliograph.relay.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem object. {@code code} is an extension member carrying the protocol error code
 * (PROTOCOL.md section 4), so publishers can branch on it without parsing {@code detail}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
