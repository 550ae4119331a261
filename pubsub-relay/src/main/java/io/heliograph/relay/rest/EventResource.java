package io.heliograph.relay.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.heliograph.core.publish.PublishException;
import io.heliograph.core.publish.Published;
import io.heliograph.relay.auth.PublisherKey;
import io.heliograph.relay.auth.PublishAuthentication;
import io.heliograph.relay.auth.RateLimiter;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.publish.PublishRequest;
import io.heliograph.relay.publish.RelayPublisher;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** The publish API of PROTOCOL.md section 6; {@link PublishAuthentication} has checked the key before the body is read. */
@Path("/api/events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Publish", description = "Publish events to browsers (service to service)")
@SecurityScheme(securitySchemeName = "publisherKey", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "publisherKey")
public class EventResource {

    private final RateLimiter rateLimiter;
    private final RelayPublisher publisher;
    private final ProblemMapper problems;
    private final RelayConfig config;

    public EventResource(RateLimiter rateLimiter, RelayPublisher publisher, ProblemMapper problems, RelayConfig config) {
        this.rateLimiter = rateLimiter;
        this.publisher = publisher;
        this.problems = problems;
        this.config = config;
    }

    @POST
    @ResponseStatus(202)
    @Operation(summary = "Publish one event", description = "202 once the event is in Redis. A repeated id "
            + "within 24 h is published once and answers the first result.")
    @APIResponse(responseCode = "202", description = "Published")
    @APIResponse(responseCode = "400", description = "Invalid channel, type or body")
    @APIResponse(responseCode = "401", description = "Missing or unknown publisher key")
    @APIResponse(responseCode = "403", description = "Namespace not allowed for this key")
    @APIResponse(responseCode = "413", description = "Event larger than 64 KiB")
    @APIResponse(responseCode = "429", description = "Rate limit of the key exceeded, or the relay is saturated "
            + "(nothing published); see Retry-After")
    @APIResponse(responseCode = "503", description = "Redis unreachable: the event may have been published, a retry "
            + "with the same id is safe; see Retry-After")
    public Uni<Published> publish(RoutingContext routing, PublishRequest event) {
        PublisherKey key = PublishAuthentication.key(routing);
        return rateLimiter.acquire(key, 1).chain(() -> publisher.publish(key, event));
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Publish up to 100 events", description = "The events of one channel are published in "
            + "order in one atomic script call, the calls of different channels pipelined; the result has one item "
            + "per event: the 202 body, or a problem object for a refused event.")
    @APIResponse(responseCode = "200", description = "One result per event")
    @APIResponse(responseCode = "413", description = "More than 100 events")
    @APIResponse(responseCode = "429", description = "Rate limit of the key exceeded, or the relay is saturated; "
            + "see Retry-After")
    @APIResponse(responseCode = "503", description = "Redis unreachable for every event of the batch; the events may "
            + "have been published, a retry with the same ids is safe; see Retry-After")
    public Uni<BatchResult> publishBatch(RoutingContext routing, BatchRequest batch) {
        PublisherKey key = PublishAuthentication.key(routing);
        if (batch == null || batch.events() == null || batch.events().isEmpty()) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST, "a batch is {\"events\":[...]} "
                    + "with 1 to " + config.maxBatch() + " events");
        }
        if (batch.events().size() > config.maxBatch()) {
            throw new PublishException(PublishException.Reason.TOO_LARGE, "a batch holds at most "
                    + config.maxBatch() + " events; this one has " + batch.events().size());
        }
        return rateLimiter.acquire(key, batch.events().size()).chain(() -> publisher.publishAll(key, batch.events()))
                .map(outcomes -> new BatchResult(outcomes.stream()
                        .map(o -> o.isPublished() ? BatchItem.published(o.published())
                                : BatchItem.refused(problems.toProblem(o.refusal(), routing.normalizedPath()), o.refusal()))
                        .toList()))
                .invoke(EventResource::failIfNothingReachedRedis);
    }

    /**
     * A batch of which nothing reached Redis (unreachable: 503, or the relay saturated: 429) is answered as a whole
     * with that status and its Retry-After, so a client's ordinary retry handles it.
     */
    private static void failIfNothingReachedRedis(BatchResult result) {
        for (int status : new int[] {503, 429}) {
            if (result.results().stream().allMatch(item -> item.status() != null && item.status() == status)) {
                throw (RuntimeException) result.results().get(0).failure();
            }
        }
    }

    /** The body of a batch request. */
    public record BatchRequest(List<PublishRequest> events) {
    }

    /** The answer to a batch: one item per event, in order. */
    public record BatchResult(List<BatchItem> results) {
    }

    /** The 202 body of a published event, or the problem of a refused one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItem(String id, String channel, String epoch, Long offset, Integer status, String title,
            String detail, String code, @com.fasterxml.jackson.annotation.JsonIgnore Throwable failure) {

        static BatchItem published(Published p) {
            return new BatchItem(p.id(), p.channel(), p.epoch(), p.offset(), null, null, null, null, null);
        }

        static BatchItem refused(Problem problem, Throwable failure) {
            return new BatchItem(null, null, null, null, problem.status(), problem.title(), problem.detail(),
                    problem.code(), failure);
        }
    }
}
