package io.heliograph.fetcher.source.taapi;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** TAAPI.io indicators (base URL: {@code quarkus.rest-client.taapi.url}). The secret travels in the query. */
@RegisterRestClient(configKey = "taapi")
interface TaapiApi {

    /** {@code {"value":54.3}} */
    @GET
    @Path("/rsi")
    Uni<JsonNode> rsi(@QueryParam("secret") String secret, @QueryParam("exchange") String exchange,
            @QueryParam("symbol") String symbol, @QueryParam("interval") String interval,
            @HeaderParam("User-Agent") String userAgent);
}
