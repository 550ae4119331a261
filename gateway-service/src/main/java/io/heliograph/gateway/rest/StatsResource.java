package io.heliograph.gateway.rest;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.heliograph.gateway.stats.GatewayStats;

@Path("/api/stats")
@Tag(name = "Operations", description = "What this gateway node is doing")
public class StatsResource {

    private final GatewayStats stats;

    public StatsResource(GatewayStats stats) {
        this.stats = stats;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "This node's statistics", description = "Connections, subscriptions and delivery counters "
            + "of this gateway node (the dashboards' fleet view reads it).")
    public Map<String, Object> stats() {
        return stats.snapshot();
    }
}
