package io.heliograph.fetcher.source.feargreed;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** alternative.me's Fear &amp; Greed index (base URL: {@code quarkus.rest-client.feargreed.url}). */
@RegisterRestClient(configKey = "feargreed")
interface FearGreedApi {

    /** {@code {"data":[{"value":"40","value_classification":"Fear","timestamp":"..."}]}} */
    @GET
    @Path("/fng/")
    Uni<JsonNode> latest(@QueryParam("limit") int limit, @HeaderParam("User-Agent") String userAgent);
}
