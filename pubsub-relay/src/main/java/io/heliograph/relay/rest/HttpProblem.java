package io.heliograph.relay.rest;

import java.time.Duration;

/**
 * A refusal that maps straight to an RFC 9457 problem response (see {@link ProblemMapper}).
 *
 * @see io.heliograph.core.publish.PublishException for refusals of the publish path itself
 */
public class HttpProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final Duration retryAfter;

    public HttpProblem(int status, String code, String detail, Duration retryAfter) {
        super(detail);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public static HttpProblem unauthorized(String detail) {
        return new HttpProblem(401, "unauthorized", detail, null);
    }

    public static HttpProblem unavailable(String detail, Duration retryAfter) {
        return new HttpProblem(503, "unavailable", detail, retryAfter);
    }

    public static HttpProblem notFound(String detail) {
        return new HttpProblem(404, "not_found", detail, null);
    }

    public int status() {
        return status;
    }

    /** The protocol error code (PROTOCOL.md section 4), carried as the problem's {@code code} member. */
    public String code() {
        return code;
    }

    /** The delay a client should wait before retrying, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
