package io.heliograph.gateway.protocol;

/** The {@code code} of an {@code error} frame (PROTOCOL.md section 4), in one table. */
public enum ErrorCode {
    /** Malformed JSON, a binary frame, a missing or invalid field. */
    BAD_REQUEST("bad_request"),
    /** An {@code op} the server does not know. */
    UNKNOWN_OP("unknown_op"),
    /** A channel name that breaks the grammar. */
    INVALID_CHANNEL("invalid_channel"),
    /** Not allowed: unconfigured namespace, another user's channel, publishing where browsers may not. */
    FORBIDDEN("forbidden"),
    /** The token is invalid or expired. */
    UNAUTHORIZED("unauthorized"),
    /** Too many commands or publishes. */
    RATE_LIMITED("rate_limited"),
    /** A payload over its limit. */
    TOO_LARGE("too_large"),
    /** Unsubscribe from a channel the connection is not subscribed to. */
    NOT_SUBSCRIBED("not_subscribed"),
    /** More subscriptions than a connection may hold. */
    TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions"),
    /** Redis is unreachable; retry later. */
    UNAVAILABLE("unavailable"),
    /** A bug on the server side. */
    INTERNAL("internal");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
