package io.heliograph.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;

/** The relay's publish API (PROTOCOL.md section 6). Callers use {@link HeliographPublisher}. */
@Path("/api/events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
interface RelayClient {

    @POST
    Uni<PublishResult> publish(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, EventRequest event);

    @POST
    @Path("/batch")
    Uni<BatchResult> publishBatch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, Batch batch);

    /** The body of a batch request. */
    record Batch(java.util.List<EventRequest> events) {
    }
}
