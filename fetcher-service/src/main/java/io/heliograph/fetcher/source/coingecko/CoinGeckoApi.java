package io.heliograph.fetcher.source.coingecko;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** CoinGecko's public API v3 (base URL: {@code quarkus.rest-client.coingecko.url}). */
@RegisterRestClient(configKey = "coingecko")
@Path("/api/v3")
interface CoinGeckoApi {

    /** {@code {"data":{"total_market_cap":{"usd":..},"market_cap_percentage":{"btc":..},"market_cap_change_percentage_24h_usd":..}}} */
    @GET
    @Path("/global")
    Uni<JsonNode> global(@HeaderParam("x-cg-demo-api-key") String apiKey, @HeaderParam("User-Agent") String userAgent);

    /** {@code {"bitcoin":{"usd":..,"usd_24h_change":..}}} */
    @GET
    @Path("/simple/price")
    Uni<JsonNode> simplePrice(@QueryParam("ids") String ids, @QueryParam("vs_currencies") String vsCurrencies,
            @QueryParam("include_24hr_change") boolean include24hChange,
            @HeaderParam("x-cg-demo-api-key") String apiKey, @HeaderParam("User-Agent") String userAgent);
}
