package io.heliograph.monitor.lifecycle;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.publish.RedisScript;
import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.config.MonitorKeys;
import io.heliograph.monitor.stats.LogEntry;
import io.heliograph.monitor.stats.StatsStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;

/**
 * The per-record progress markers in Redis and the counts tied to them.
 *
 * <p>Guarantee: {@link #record} marks a step and applies its counts in one atomic script, once per
 * record and step, however often a record is delivered; the counters therefore never count a
 * record twice. Thread-safe; never blocks.
 */
@Singleton
public class ProgressStore {

    private static final RedisScript SCRIPT = RedisScript.load("/monitor/progress.lua");

    private final Redis redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final MonitorKeys keys;
    private final ObjectMapper mapper;
    private final long markerTtlSeconds;
    private final int recentLogs;
    private final long rateTtlSeconds;

    public ProgressStore(Redis redis, ReactiveRedisDataSource dataSource, MonitorKeys keys, ObjectMapper mapper,
            MonitorConfig config) {
        this.redis = redis;
        this.hashes = dataSource.hash(String.class);
        this.keys = keys;
        this.mapper = mapper;
        this.markerTtlSeconds = Math.max(1, config.recordMarkerTtl().toSeconds());
        this.recentLogs = config.recentLogs();
        this.rateTtlSeconds = config.rateWindowSeconds() + 60L;
    }

    /** The steps already recorded for a record (empty for a first delivery). */
    public Uni<Set<Step>> progress(RecordId id) {
        return hashes.hkeys(key(id)).map(fields -> {
            Set<Step> steps = EnumSet.noneOf(Step.class);
            fields.forEach(f -> steps.add(Step.ofField(f)));
            return steps;
        });
    }

    /** Records a step with no counts. */
    public Uni<Boolean> record(RecordId id, Step step) {
        return run(id, step, "", false, "");
    }

    /** Records RECEIVED and counts the record in totalMessages. */
    public Uni<Boolean> recordReceived(RecordId id) {
        return run(id, Step.RECEIVED, StatsStore.TOTAL, false, "");
    }

    /** Records FINISHED: counts the outcome, the rate, and keeps the log entry. */
    public Uni<Boolean> recordFinished(RecordId id, LogEntry entry, boolean processed) {
        String json;
        try {
            json = mapper.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return run(id, Step.FINISHED, processed ? StatsStore.PROCESSED : StatsStore.FAILED, true, json);
    }

    private Uni<Boolean> run(RecordId id, Step step, String counter, boolean rate, String logEntry) {
        List<String> scriptKeys = List.of(key(id), keys.counters(), keys.rateBucket(Instant.now().getEpochSecond()),
                keys.recentLogs());
        List<String> args = List.of(step.field(), Long.toString(markerTtlSeconds), counter,
                rate ? Long.toString(rateTtlSeconds) : "", logEntry, Integer.toString(recentLogs));
        return SCRIPT.call(redis, scriptKeys, args).map(reply -> reply.toInteger() == 1);
    }

    private String key(RecordId id) {
        return keys.record(id.topic(), id.partition(), id.offset());
    }
}
