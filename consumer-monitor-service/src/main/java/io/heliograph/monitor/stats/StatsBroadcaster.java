package io.heliograph.monitor.stats;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.monitor.config.Events;
import io.heliograph.monitor.config.MonitorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Publishes {@code stats-updated} coalesced: at most once per stats interval across every
 * instance (a Redis SET NX PX gate), and always once after the last change (the instance that
 * changed something stays dirty until it has published numbers read after its change).
 *
 * <p>While the published rate is above zero it also republishes once a second, so a dashboard
 * sees the rate fall back to 0 after a burst. Thread-safe.
 */
@Singleton
public class StatsBroadcaster {

    private static final Logger LOG = Logger.getLogger(StatsBroadcaster.class);
    private static final long RATE_REFRESH_MS = 1000;

    private final StatsStore store;
    private final EventPublisher publisher;
    private final Vertx vertx;
    private final String channel;
    private final long intervalMs;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile double lastRate;
    private volatile long lastPublishedAt;
    private long timer = -1;

    public StatsBroadcaster(StatsStore store, EventPublisher publisher, Vertx vertx, MonitorConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.vertx = vertx;
        this.channel = config.channels().stats();
        this.intervalMs = Math.max(1, config.statsInterval().toMillis());
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMs, id -> tick());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Something counted changed; a {@code stats-updated} follows within about one interval. */
    public void changed() {
        dirty.set(true);
    }

    private void tick() {
        boolean rateRefresh = lastRate > 0 && System.currentTimeMillis() - lastPublishedAt >= RATE_REFRESH_MS;
        if (!(dirty.get() || rateRefresh) || !running.compareAndSet(false, true)) {
            return;
        }
        store.tryGate(intervalMs)
                .flatMap(gotIt -> {
                    if (!gotIt) {
                        return io.smallrye.mutiny.Uni.createFrom().voidItem();
                    }
                    // Cleared before reading, so a change that lands during the read makes us publish again.
                    dirty.set(false);
                    return store.read().flatMap(stats -> publisher
                            .publish(channel, CloudEvent.of(Events.SOURCE, Events.STATS_UPDATED, "stats", stats))
                            .invoke(() -> {
                                lastRate = stats.messagesPerSecond();
                                lastPublishedAt = System.currentTimeMillis();
                            })
                            .onFailure().invoke(() -> dirty.set(true)))
                            .replaceWithVoid();
                })
                .subscribe().with(ok -> running.set(false), failure -> {
                    running.set(false);
                    dirty.set(true);
                    LOG.debugf("stats-updated not published yet: %s", failure.getMessage());
                });
    }
}
