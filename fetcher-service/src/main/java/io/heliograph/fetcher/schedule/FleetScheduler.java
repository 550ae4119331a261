package io.heliograph.fetcher.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherConfig.Mode;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.price.PriceFeed;
import io.heliograph.fetcher.simulator.SimulatedPriceFeed;
import io.heliograph.fetcher.source.twelvedata.TwelveDataFeed;
import io.heliograph.fetcher.summary.SummaryService;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The heartbeat of a replica: every {@code tick-every} it keeps or tries to take the fleet lock.
 * The holder runs the price feeds and the due summary cycles; the others only serve HTTP from
 * Redis. So N replicas cost the API calls of one, and when the holder dies the lock expires and
 * another replica takes over on its next tick (at once when the holder shuts down cleanly).
 */
@Startup
@ApplicationScoped
public class FleetScheduler {

    private static final Logger LOG = Logger.getLogger(FleetScheduler.class);

    private final FleetLock lock;
    private final SummaryService summaries;
    private final List<PriceFeed> feeds = new ArrayList<>();
    private final FetcherIdentity identity;
    private volatile boolean leader;
    private volatile boolean stopping;

    public FleetScheduler(ReactiveRedisDataSource redis, FetcherConfig config, FetcherIdentity identity,
            SummaryService summaries, SimulatedPriceFeed simulated, TwelveDataFeed twelveData) {
        this.identity = identity;
        this.lock = new FleetLock(redis, identity.lockKey(), identity.instanceId(), config.lock().ttl());
        this.summaries = summaries;
        boolean twelveDataKey = twelveData.configured();
        Mode mode = config.mode();
        if (mode != Mode.SIMULATED && twelveDataKey) {
            feeds.add(twelveData);
        }
        // In auto mode the simulator stands in until Twelve Data delivers (it goes quiet by itself).
        if (mode == Mode.SIMULATED || (mode == Mode.AUTO)) {
            feeds.add(simulated);
        }
        if (mode == Mode.LIVE && !twelveDataKey) {
            LOG.warn("live mode without TWELVE_DATA_API_KEY: no prices are published");
        }
        LOG.infof("fetcher %s: mode %s, summary sources %s, price feeds %s", identity.instanceId(),
                mode.name().toLowerCase(), summaries.sourceNames(),
                feeds.stream().map(f -> f.getClass().getSimpleName().replaceAll("_.*", "")).toList());
    }

    public boolean leader() {
        return leader;
    }

    public String lockToken() {
        return lock.token();
    }

    public List<PriceFeed> feeds() {
        return feeds;
    }

    @Scheduled(every = "{heliograph.fetcher.tick-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "fleet-tick")
    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return lock.acquireOrRenew()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("fleet lock unreachable: %s", e.getMessage());
                    return false;
                })
                .chain(holds -> {
                    if (holds && !stopping) {
                        if (!leader) {
                            leader = true;
                            LOG.infof("%s holds the fleet lock: fetching and streaming", identity.instanceId());
                            feeds.forEach(PriceFeed::start);
                        }
                        // Not awaited: a slow source must never delay the lock renewal.
                        summaries.runDue().subscribe().with(ok -> { },
                                e -> LOG.warnf("summary cycle failed: %s", e.getMessage()));
                        return Uni.createFrom().voidItem();
                    }
                    if (leader) {
                        leader = false;
                        LOG.infof("%s lost the fleet lock: stopping", identity.instanceId());
                        feeds.forEach(PriceFeed::stop);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    /** Hands the lock over at once instead of letting the next replica wait for it to expire. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        feeds.forEach(PriceFeed::stop);
        if (leader) {
            leader = false;
            try {
                lock.release().await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debugf("fleet lock not released (it expires by itself): %s", e.getMessage());
            }
        }
    }
}
