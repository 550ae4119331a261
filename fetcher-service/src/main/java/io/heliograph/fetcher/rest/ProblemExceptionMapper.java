package io.heliograph.fetcher.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Every error of this service as an RFC 9457 {@code application/problem+json} object. */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);
    static final String PROBLEM_JSON = "application/problem+json";

    @Context
    UriInfo uri;

    /** The problem body. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail, String instance) {
    }

    @Override
    public Response toResponse(Throwable failure) {
        String instance = uri == null ? null : uri.getPath();
        if (failure instanceof RateLimitedException limited) {
            long seconds = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            return build(429, "about:blank", "Too Many Requests", limited.getMessage(), instance)
                    .header("Retry-After", seconds).build();
        }
        if (failure instanceof UnavailableException) {
            return build(503, "about:blank", "Service Unavailable", failure.getMessage(), instance)
                    .header("Retry-After", 5).build();
        }
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            int status = web.getResponse().getStatus();
            return build(status, "about:blank", Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase(), web.getMessage(), instance).build();
        }
        LOG.errorf(failure, "unexpected failure on %s", instance);
        return build(500, "about:blank", "Internal Server Error", "an unexpected error occurred", instance).build();
    }

    private static Response.ResponseBuilder build(int status, String type, String title, String detail, String instance) {
        return Response.status(status).type(PROBLEM_JSON).entity(new Problem(type, title, status, detail, instance));
    }
}
