package io.heliograph.gateway.sse;

import io.heliograph.gateway.protocol.ErrorCode;
import io.heliograph.gateway.protocol.ProtocolException;
import io.heliograph.gateway.protocol.Replies;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem JSON for the HTTP fallbacks, with the protocol error code as an extension. */
final class Problems {

    private Problems() {
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
            case NOT_SUBSCRIBED, UNKNOWN_OP, BAD_REQUEST, INVALID_CHANNEL, TOO_MANY_SUBSCRIPTIONS -> 400;
        };
    }

    /** A refusal that says when to come back ({@code Retry-After}, in seconds). */
    static final class RetryLater extends ProtocolException {
        final long seconds;

        RetryLater(ErrorCode code, String message, long seconds) {
            super(code, message);
            this.seconds = seconds;
        }
    }

    static void send(RoutingContext rc, ProtocolException e) {
        if (rc.response().ended()) {
            return;
        }
        int status = status(e.code());
        if (e instanceof RetryLater later) {
            rc.response().putHeader("Retry-After", Long.toString(later.seconds));
        } else if (status == 503) {
            rc.response().putHeader("Retry-After", "1");
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end("{\"type\":\"https://heliograph.io/problems/" + e.code().code() + "\",\"title\":"
                        + Replies.quote(e.code().code().replace('_', ' ')) + ",\"status\":" + status
                        + ",\"detail\":" + Replies.quote(e.getMessage()) + ",\"code\":\"" + e.code().code() + "\"}");
    }
}
