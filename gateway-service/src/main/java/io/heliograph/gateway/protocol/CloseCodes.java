package io.heliograph.gateway.protocol;

import io.quarkus.websockets.next.CloseReason;

/**
 * The WebSocket close codes of PROTOCOL.md section 4, in one table. Codes 4001 and 4003 are terminal
 * (the client must not retry without a new token or from that origin); every other code means
 * "reconnect and recover".
 */
public enum CloseCodes {
    /** Normal closure. */
    NORMAL(1000, "normal"),
    /** The server is going away. */
    GOING_AWAY(1001, "going away"),
    /** Policy violation: the client kept sending invalid commands. */
    POLICY(1008, "policy violation"),
    /** A message larger than the frame limit. */
    TOO_BIG(1009, "message too big"),
    /** An internal error. */
    INTERNAL(1011, "internal error"),
    /** Drain on shutdown: reconnect (to another instance) and recover. */
    SERVICE_RESTART(1012, "service restart"),
    /** Unauthorized or token expired: do not retry without a new token. */
    UNAUTHORIZED(4001, "unauthorized"),
    /** Forbidden origin. */
    FORBIDDEN_ORIGIN(4003, "forbidden origin"),
    /** The command rate limit kept being exceeded. */
    RATE_LIMIT(4008, "rate limit exceeded"),
    /** Slow consumer: the outbound buffer overflowed. Reconnect and recover. */
    SLOW_CONSUMER(4009, "slow consumer");

    private final int code;
    private final String reason;

    CloseCodes(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public CloseReason reason() {
        return new CloseReason(code, reason);
    }
}
