package io.heliograph.relay.rest;

import java.time.Duration;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.heliograph.core.limit.FleetRateLimiter;
import io.heliograph.core.publish.PublishException;
import io.heliograph.relay.config.RelayConfig;

/** The relay's one exception mapper: every error leaves as {@code application/problem+json}. */
@Singleton
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final RelayConfig config;

    public ProblemMapper(RelayConfig config) {
        this.config = config;
    }

    @ServerExceptionMapper
    public Response map(Throwable failure, UriInfo uri) {
        Problem problem = toProblem(failure, uri.getPath());
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        Duration retryAfter = retryAfter(failure);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, Math.max(1, retryAfter.toSeconds()));
        }
        if (problem.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.build();
    }

    /** Takes precedence over Hibernate Validator's own mapper, whose body is not a problem object. */
    @ServerExceptionMapper
    public Response mapValidation(ValidationException failure, UriInfo uri) {
        return map(failure, uri);
    }

    /** The problem for a failure; also used for the refused items of a batch. */
    public Problem toProblem(Throwable failure, String instance) {
        if (failure instanceof HttpProblem p) {
            return problem(p.status(), p.code(), p.getMessage(), instance);
        }
        if (failure instanceof PublishException p) {
            Problem problem = problem(status(p.reason()), p.reason().code(), p.getMessage(), instance);
            return p.eventId() == null ? problem : new Problem(problem.type(), problem.title(), problem.status(),
                    problem.detail(), problem.instance(), problem.code(), p.eventId());
        }
        if (failure instanceof FleetRateLimiter.Exceeded) {
            return problem(429, "rate_limited", "this publisher key exceeded its rate limit", instance);
        }
        if (failure instanceof ConstraintViolationException v) {
            String detail = v.getConstraintViolations().stream()
                    .map(ProblemMapper::describe).sorted().collect(Collectors.joining("; "));
            return problem(400, "bad_request", detail, instance);
        }
        if (failure instanceof JsonProcessingException json) {
            return problem(400, "bad_request", "the body is not the expected JSON: " + json.getOriginalMessage(),
                    instance);
        }
        if (failure instanceof WebApplicationException web) {
            if (web.getCause() instanceof JsonProcessingException json) {
                return toProblem(json, instance);
            }
            int status = web.getResponse().getStatus();
            return problem(status, codeOf(status), web.getMessage(), instance);
        }
        LOG.error("unexpected failure on " + instance, failure);
        return problem(500, "internal", "unexpected error; see the relay's log", instance);
    }

    private Duration retryAfter(Throwable failure) {
        if (failure instanceof HttpProblem p) {
            return p.retryAfter();
        }
        if (failure instanceof FleetRateLimiter.Exceeded exceeded) {
            // Retry-After counts whole seconds; round up so a client that obeys it is not refused again.
            return Duration.ofSeconds(Math.max(1, (exceeded.retryAfter().toMillis() + 999) / 1000));
        }
        if (failure instanceof PublishException p && p.reason() == PublishException.Reason.UNAVAILABLE) {
            return config.unavailableRetryAfter();
        }
        if (failure instanceof PublishException p && p.reason() == PublishException.Reason.RATE_LIMITED) {
            return config.overloadedRetryAfter();
        }
        return null;
    }

    private static Problem problem(int status, String code, String detail, String instance) {
        return new Problem("about:blank", Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), status, detail, instance, code, null);
    }

    static int status(PublishException.Reason reason) {
        return switch (reason) {
            case INVALID_CHANNEL, BAD_REQUEST -> 400;
            case FORBIDDEN -> 403;
            case TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 413 -> "too_large";
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // Method validation paths read "create.input.title"; the client knows only "title".
        int argument = path.indexOf('.', path.indexOf('.') + 1);
        return (argument > 0 ? path.substring(argument + 1) : path) + ": " + violation.getMessage();
    }
}
