package io.heliograph.gateway.rest;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.heliograph.gateway.stats.GatewayStats;

@Path("/api/stats")
public class StatsResource {

    private final GatewayStats stats;

    public StatsResource(GatewayStats stats) {
        this.stats = stats;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> stats() {
        return stats.snapshot();
    }
}
