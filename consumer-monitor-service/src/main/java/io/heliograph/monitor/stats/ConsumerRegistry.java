package io.heliograph.monitor.stats;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.monitor.config.Events;
import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.config.MonitorKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Which monitor instances are alive, through heartbeats in Redis.
 *
 * <p>Each instance renews its deadline in a sorted set every heartbeat interval and, in the same
 * tick, looks for instances whose deadline passed. Removing a dead member is a ZREM, which only one
 * instance can win, so a death is announced {@code INACTIVE} exactly once; an instance that finds
 * itself newly added (first start, or back after being declared dead) announces {@code ACTIVE}.
 * A graceful stop announces {@code INACTIVE} at once, a rebalance announces the new partitions.
 *
 * <p>This instance's {@code consumer-status-changed} events are published one after another, in
 * the order the changes happened. Thread-safe; never blocks an event loop.
 */
@Singleton
public class ConsumerRegistry {

    private static final Logger LOG = Logger.getLogger(ConsumerRegistry.class);

    private final ReactiveSortedSetCommands<String, String> alive;
    private final ReactiveHashCommands<String, String, String> info;
    private final MonitorKeys keys;
    private final EventPublisher publisher;
    private final StatsBroadcaster stats;
    private final StatsStore store;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final MonitorConfig config;
    private final String consumerId;
    private final Set<String> partitions = new ConcurrentSkipListSet<>();
    private CompletableFuture<Void> announcements = CompletableFuture.completedFuture(null);
    private volatile boolean stopped;
    private volatile long lastHeartbeatOk;
    private volatile Map<String, Long> lag = Map.of();
    private volatile double messagesPerSecond;
    private long timer = -1;

    public ConsumerRegistry(ReactiveRedisDataSource redis, MonitorKeys keys, EventPublisher publisher,
            StatsBroadcaster stats, StatsStore store, ObjectMapper mapper, Vertx vertx, MonitorConfig config) {
        this.alive = redis.sortedSet(String.class);
        this.info = redis.hash(String.class);
        this.keys = keys;
        this.publisher = publisher;
        this.stats = stats;
        this.store = store;
        this.mapper = mapper;
        this.vertx = vertx;
        this.config = config;
        this.consumerId = config.consumerId().orElseGet(ConsumerRegistry::defaultId);
    }

    /** This instance's id, as shown in events and {@code /api/consumers}. */
    public String consumerId() {
        return consumerId;
    }

    /** When this instance last renewed its heartbeat in Redis (epoch ms; 0 before the first). */
    public long lastHeartbeatOk() {
        return lastHeartbeatOk;
    }

    void start(@Observes StartupEvent event) {
        heartbeat();
        timer = vertx.setPeriodic(Math.max(100, config.heartbeatInterval().toMillis()), id -> heartbeat());
    }

    /** Announces INACTIVE before the process goes; waits a little for it (this is not an event-loop thread). */
    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        ConsumerInfo gone = current().inactive();
        try {
            alive.zrem(keys.aliveConsumers(), consumerId)
                    .chain(() -> info.hset(keys.consumerInfo(), consumerId, json(gone)))
                    .chain(() -> announce(gone))
                    .await().atMost(Duration.ofSeconds(3));
        } catch (RuntimeException e) {
            LOG.warnf("could not announce %s INACTIVE (its heartbeat will expire): %s", consumerId, e.getMessage());
        }
    }

    /** The partitions assigned to this instance changed (rebalance listener). */
    public void partitionsAssigned(Collection<String> added) {
        partitions.addAll(added);
        publishCurrent();
    }

    /** Partitions were revoked from this instance or lost (rebalance listener). */
    public void partitionsRevoked(Collection<String> removed) {
        partitions.removeAll(removed);
        publishCurrent();
    }

    /**
     * The lag of the partitions this instance holds and its throughput, measured by the consumer: kept in this
     * instance's entry, where {@code /api/consumers} and {@code stats-updated} read it.
     */
    public void load(Map<String, Long> lag, double messagesPerSecond) {
        if (stopped || (lag.equals(this.lag) && messagesPerSecond == this.messagesPerSecond)) {
            // An idle monitor does not rewrite (and republish) the same numbers every second.
            return;
        }
        this.lag = Map.copyOf(lag);
        this.messagesPerSecond = messagesPerSecond;
        info.hset(keys.consumerInfo(), consumerId, json(current()))
                .subscribe().with(ok -> stats.changed(), e -> LOG.debugf("lag of %s not stored: %s", consumerId, e.getMessage()));
    }

    private ConsumerInfo current() {
        Map<String, Long> held = new java.util.TreeMap<>(lag);
        held.keySet().retainAll(partitions);
        long total = held.values().stream().mapToLong(Long::longValue).sum();
        return new ConsumerInfo(consumerId, ConsumerInfo.ACTIVE, List.copyOf(partitions), Instant.now().toString(), held, total,
                messagesPerSecond);
    }

    private void publishCurrent() {
        if (stopped) {
            return;
        }
        ConsumerInfo now = current();
        info.hset(keys.consumerInfo(), consumerId, json(now))
                .chain(() -> announce(now))
                .subscribe().with(ok -> { }, e -> LOG.warnf("partition change of %s not announced: %s", consumerId, e.getMessage()));
    }

    private void heartbeat() {
        if (stopped) {
            return;
        }
        long now = System.currentTimeMillis();
        ConsumerInfo me = current();
        alive.zadd(keys.aliveConsumers(), now + config.heartbeatTtl().toMillis(), consumerId)
                .call(() -> info.hset(keys.consumerInfo(), consumerId, json(me)))
                .call(added -> {
                    lastHeartbeatOk = now;
                    return added ? announce(me) : Uni.createFrom().voidItem();
                })
                .chain(() -> reap(now))
                .subscribe().with(ok -> { }, e -> LOG.warnf("heartbeat of %s failed: %s", consumerId, e.getMessage()));
    }

    /** Announces every instance whose deadline passed, and forgets those INACTIVE for long. */
    private Uni<Void> reap(long now) {
        Uni<Void> expired = alive.zrangebyscore(keys.aliveConsumers(), ScoreRange.from(0L, now))
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(id -> alive.zrem(keys.aliveConsumers(), id)
                        .chain(removed -> removed == 1 ? declareDead(id) : Uni.createFrom().voidItem()))
                .collect().last().replaceWithVoid();
        long forgetBefore = now - config.inactiveRetention().toMillis();
        return expired.chain(() -> info.hgetall(keys.consumerInfo())).chain(all -> {
            List<String> old = all.values().stream().map(store::parseConsumer)
                    .filter(c -> ConsumerInfo.INACTIVE.equals(c.status()) && Instant.parse(c.lastSeen()).toEpochMilli() < forgetBefore)
                    .map(ConsumerInfo::consumerId).toList();
            return old.isEmpty() ? Uni.createFrom().voidItem()
                    : info.hdel(keys.consumerInfo(), old.toArray(String[]::new)).replaceWithVoid();
        });
    }

    private Uni<Void> declareDead(String id) {
        return info.hget(keys.consumerInfo(), id).chain(value -> {
            ConsumerInfo dead = value == null
                    ? new ConsumerInfo(id, ConsumerInfo.INACTIVE, List.of(), Instant.now().toString(), Map.of(), 0, 0)
                    : store.parseConsumer(value).inactive();
            LOG.infof("consumer %s missed its heartbeats: INACTIVE", id);
            return info.hset(keys.consumerInfo(), id, json(dead)).chain(() -> announce(dead));
        });
    }

    /** Publishes after every earlier announcement of this instance, so they arrive in order. */
    private Uni<Void> announce(ConsumerInfo change) {
        stats.changed();
        Supplier<CompletionStage<Void>> publish = () -> publisher
                .publish(config.channels().status(), CloudEvent.of(Events.SOURCE, Events.CONSUMER_STATUS_CHANGED,
                        change.consumerId(), Map.of("consumerId", change.consumerId(), "status", change.status(),
                                "partitions", change.partitions())))
                .replaceWithVoid().subscribeAsCompletionStage();
        CompletableFuture<Void> mine;
        synchronized (this) {
            mine = announcements.exceptionally(e -> null).thenCompose(x -> publish.get()).toCompletableFuture();
            announcements = mine;
        }
        return Uni.createFrom().completionStage(mine);
    }

    private String json(ConsumerInfo c) {
        try {
            return mapper.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "monitor";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
