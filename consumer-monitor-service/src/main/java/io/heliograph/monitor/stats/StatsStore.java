package io.heliograph.monitor.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.config.MonitorKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.list.ReactiveListCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;

/** Reads the global counters, rate, recent log and consumer entries that the lifecycle and the registry write. Thread-safe; never blocks. */
@Singleton
public class StatsStore {

    /** Counter fields of the counters hash ({@code monitor/progress.lua} increments them under these names). */
    public static final String TOTAL = "totalMessages";
    public static final String PROCESSED = "processedMessages";
    public static final String FAILED = "failedMessages";

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, Long> counters;
    private final ReactiveValueCommands<String, Long> buckets;
    private final ReactiveListCommands<String, String> lists;
    private final ReactiveSortedSetCommands<String, String> alive;
    private final ReactiveHashCommands<String, String, String> info;
    private final MonitorKeys keys;
    private final ObjectMapper mapper;
    private final int rateWindow;

    public StatsStore(ReactiveRedisDataSource redis, MonitorKeys keys, ObjectMapper mapper, MonitorConfig config) {
        this.redis = redis;
        this.counters = redis.hash(Long.class);
        this.buckets = redis.value(Long.class);
        this.lists = redis.list(String.class);
        this.alive = redis.sortedSet(String.class);
        this.info = redis.hash(String.class);
        this.keys = keys;
        this.mapper = mapper;
        this.rateWindow = Math.max(1, config.rateWindowSeconds());
    }

    public Uni<MonitorStats> read() {
        long nowMs = System.currentTimeMillis();
        long second = nowMs / 1000;
        // Whole seconds only: the current one is still filling up.
        String[] window = new String[rateWindow];
        for (int i = 0; i < rateWindow; i++) {
            window[i] = keys.rateBucket(second - 1 - i);
        }
        Uni<Map<String, Long>> counts = counters.hgetall(keys.counters());
        Uni<Map<String, Long>> rates = buckets.mget(window);
        return Uni.combine().all().unis(counts, rates, consumers()).asTuple().map(t -> {
            Map<String, Long> c = t.getItem1();
            long finished = t.getItem2().values().stream().mapToLong(v -> v == null ? 0 : v).sum();
            Map<String, Long> lag = new TreeMap<>();
            long active = 0;
            for (ConsumerInfo consumer : t.getItem3()) {
                if (ConsumerInfo.ACTIVE.equals(consumer.status())) {
                    active++;
                    lag.putAll(consumer.lag());
                }
            }
            long totalLag = lag.values().stream().mapToLong(Long::longValue).sum();
            return new MonitorStats(c.getOrDefault(TOTAL, 0L), c.getOrDefault(PROCESSED, 0L), c.getOrDefault(FAILED, 0L),
                    active, (double) finished / rateWindow, totalLag, lag, Instant.ofEpochMilli(nowMs).toString());
        });
    }

    /** Every instance still listed: alive ones ACTIVE (with their lag), those whose heartbeat expired INACTIVE. */
    public Uni<List<ConsumerInfo>> consumers() {
        long now = System.currentTimeMillis();
        return Uni.combine().all()
                .unis(info.hgetall(keys.consumerInfo()), alive.zrangebyscore(keys.aliveConsumers(), ScoreRange.from(now, Long.MAX_VALUE)))
                .asTuple().map(t -> {
                    Set<String> live = new HashSet<>(t.getItem2());
                    List<ConsumerInfo> all = new ArrayList<>();
                    for (String value : t.getItem1().values()) {
                        ConsumerInfo c = parseConsumer(value);
                        all.add(live.contains(c.consumerId()) ? c : c.inactive());
                    }
                    all.sort(Comparator.comparing(ConsumerInfo::consumerId));
                    return all;
                });
    }

    /** One entry of the consumer info hash. */
    public ConsumerInfo parseConsumer(String value) {
        try {
            return mapper.readValue(value, ConsumerInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable consumer entry in " + keys.consumerInfo(), e);
        }
    }

    /** The newest finished records first. */
    public Uni<List<LogEntry>> recent(int limit) {
        return lists.lrange(keys.recentLogs(), 0, limit - 1L).map(items -> {
            List<LogEntry> entries = new ArrayList<>(items.size());
            for (String item : items) {
                try {
                    entries.add(mapper.readValue(item, LogEntry.class));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("unreadable log entry in " + keys.recentLogs(), e);
                }
            }
            return entries;
        });
    }

    /**
     * Takes the right to publish {@code stats-updated} for one interval, across all instances
     * (SET NX PX): true when this caller got it.
     */
    public Uni<Boolean> tryGate(long intervalMs) {
        return redis.execute("SET", keys.statsGate(), "1", "NX", "PX", Long.toString(Math.max(1, intervalMs)))
                .map(reply -> reply != null);
    }
}
