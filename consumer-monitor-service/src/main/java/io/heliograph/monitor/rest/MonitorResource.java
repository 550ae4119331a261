package io.heliograph.monitor.rest;

import java.util.List;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.stats.ConsumerInfo;
import io.heliograph.monitor.stats.LogEntry;
import io.heliograph.monitor.stats.MonitorStats;
import io.heliograph.monitor.stats.StatsStore;
import io.smallrye.mutiny.Uni;

/** What the monitor has seen, across every instance: statistics, recent records, consumers. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class MonitorResource {

    private final StatsStore stats;
    private final int maxLogs;

    public MonitorResource(StatsStore stats, MonitorConfig config) {
        this.stats = stats;
        this.maxLogs = config.recentLogs();
    }

    @GET
    @Path("/stats")
    public Uni<MonitorStats> stats() {
        return stats.read();
    }

    /** The latest finished records, newest first. */
    @GET
    @Path("/logs/recent")
    public Uni<List<LogEntry>> recent(@QueryParam("limit") @DefaultValue("20") String limit) {
        int n;
        try {
            n = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException("limit must be a whole number from 1 to " + maxLogs + ", got '" + limit + "'");
        }
        if (n < 1 || n > maxLogs) {
            throw new BadRequestException("limit must be from 1 to " + maxLogs + ", got " + n);
        }
        return stats.recent(n);
    }

    @GET
    @Path("/consumers")
    public Uni<List<ConsumerInfo>> consumers() {
        return stats.consumers();
    }
}
