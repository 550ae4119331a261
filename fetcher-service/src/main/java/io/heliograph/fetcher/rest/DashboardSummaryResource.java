package io.heliograph.fetcher.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummaryService;
import io.smallrye.mutiny.Uni;

/**
 * The cached dashboard summary, and a forced refresh: state-changing, so POST only (a page cannot
 * trigger it with a link or an image), behind the refresh key and limited fleet-wide.
 */
@Path("/api/crypto/dashboard-summary")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardSummaryResource {

    private final SummaryService summaries;
    private final RefreshLimiter limiter;
    private final RefreshKey key;

    public DashboardSummaryResource(SummaryService summaries, RefreshLimiter limiter, RefreshKey key) {
        this.summaries = summaries;
        this.limiter = limiter;
        this.key = key;
    }

    /** The cache; when it is empty, the summary is produced once first. */
    @GET
    public Uni<DashboardSummary> get() {
        return summaries.current();
    }

    /** Fetches every source now; 429 with {@code Retry-After} within {@code refresh-min-interval} of the last one. */
    @POST
    @Path("/refresh")
    public Uni<DashboardSummary> refresh(@HeaderParam("Authorization") String authorization) {
        key.check(authorization);
        return limiter.acquire().chain(summaries::refresh);
    }
}
