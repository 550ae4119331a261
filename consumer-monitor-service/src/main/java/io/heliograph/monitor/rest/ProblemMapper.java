package io.heliograph.monitor.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.mutiny.TimeoutException;

/** Every error of this service as RFC 9457 {@code application/problem+json}. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final String PROBLEM_JSON = "application/problem+json";

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        return problem(status, e.getMessage(), uri);
    }

    /** Kafka or Redis did not answer in time, or refused: try again later. */
    @ServerExceptionMapper({ TimeoutException.class, KafkaException.class, java.io.IOException.class })
    public Response unavailable(Exception e, UriInfo uri) {
        LOG.warnf("request %s failed: %s", uri.getPath(), e.toString());
        return Response.fromResponse(problem(503, "Kafka or Redis is unavailable: " + e.getMessage(), uri))
                .header("Retry-After", "5").build();
    }

    /** Over the producer API's rate: wait as long as the limiter says. */
    @ServerExceptionMapper
    public Response rateLimited(RateLimitException e, UriInfo uri) {
        long seconds = Math.max(1, (e.getRetryAfterMillis() + 999) / 1000);
        return Response.fromResponse(problem(429, "too many producer requests; retry in " + seconds + " s", uri))
                .header("Retry-After", Long.toString(seconds)).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "request %s failed", uri.getPath());
        return problem(500, "internal error", uri);
    }

    private static Response problem(int status, String detail, UriInfo uri) {
        Response.StatusType type = Response.Status.fromStatusCode(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", type == null ? "Error" : type.getReasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", uri.getPath());
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }
}
