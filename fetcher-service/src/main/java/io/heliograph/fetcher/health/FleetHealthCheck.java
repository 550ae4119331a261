package io.heliograph.fetcher.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.price.PriceFeed;
import io.heliograph.fetcher.schedule.FleetScheduler;
import io.heliograph.fetcher.summary.SummaryService;

/**
 * Reports what this replica does (holder of the fleet lock or standby, mode, feeds). Always UP: a
 * standby replica or a failing API is normal operation; readiness follows Redis (the Redis client's
 * own readiness check).
 */
@Liveness
@ApplicationScoped
public class FleetHealthCheck implements HealthCheck {

    private final FleetScheduler scheduler;
    private final SummaryService summaries;
    private final FetcherConfig config;
    private final FetcherIdentity identity;

    public FleetHealthCheck(FleetScheduler scheduler, SummaryService summaries, FetcherConfig config,
            FetcherIdentity identity) {
        this.scheduler = scheduler;
        this.summaries = summaries;
        this.config = config;
        this.identity = identity;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("fetcher").up()
                .withData("instance", identity.instanceId())
                .withData("mode", config.mode().name().toLowerCase())
                .withData("role", scheduler.leader() ? "fetching" : "standby")
                .withData("summary", summaries.simulating() ? "simulated" : "live");
        for (PriceFeed feed : scheduler.feeds()) {
            builder.withData("feed." + feed.getClass().getSimpleName().replaceAll("_.*", ""), feed.state());
        }
        return builder.build();
    }
}
