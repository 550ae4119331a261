package io.heliograph.fetcher.source.twelvedata;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** Twelve Data's REST API (base URL: {@code quarkus.rest-client.twelvedata.url}). The key travels in the query. */
@RegisterRestClient(configKey = "twelvedata")
interface TwelveDataApi {

    /**
     * Several symbols: {@code {"BTC/USD":{"price":"96000.1"},"AAPL":{"price":"230.2"}}}; one symbol:
     * {@code {"price":"230.2"}}. Errors may come with HTTP 200 as {@code {"code":429,"status":"error","message":..}}.
     */
    @GET
    @Path("/price")
    Uni<JsonNode> price(@QueryParam("symbol") String symbols, @QueryParam("apikey") String apiKey,
            @HeaderParam("User-Agent") String userAgent);
}
