package io.heliograph.monitor.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.apache.kafka.common.TopicPartition;

import io.heliograph.core.publish.RedisScript;
import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.config.MonitorKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The per-partition marks in Redis and the counts tied to them ({@code monitor/progress.lua}).
 *
 * <p>Guarantee: a partition's records are recorded in offset order, and the script that counts a
 * batch moves the partition's mark (the highest offset recorded) in the same atomic step, skipping
 * every offset at or below it; so however often a record is delivered, and by whichever instance,
 * it is counted once. Thread-safe; never blocks.
 */
@Singleton
public class ProgressStore {

    private static final RedisScript SCRIPT = RedisScript.load("/monitor/progress.lua");

    /** What one batch's script call counted, and the partition's mark after it. */
    public record Counted(long total, long processed, long failed, long mark) {
    }

    /** One record of a batch as the script sees it. */
    public record Entry(long offset, boolean processed, String logEntryJson) {
    }

    private final ReactiveHashCommands<String, String, Long> marks;
    private final MonitorKeys keys;
    private final int recentLogs;
    private final long rateTtlSeconds;

    public ProgressStore(ReactiveRedisDataSource dataSource, MonitorKeys keys, MonitorConfig config) {
        this.marks = dataSource.hash(Long.class);
        this.keys = keys;
        this.recentLogs = config.recentLogs();
        this.rateTtlSeconds = config.rateWindowSeconds() + 60L;
    }

    /** The highest recorded offset of a partition, -1 when none is. */
    public Uni<Long> mark(TopicPartition partition) {
        return marks.hget(keys.marks(), field(partition)).map(mark -> mark == null ? -1L : mark);
    }

    /**
     * The script call that records a batch of one partition, to be sent after the batch's events ({@link
     * io.heliograph.core.publish.EventPublisher#publishAllThen}). {@code entries} are in offset order; those
     * with a log entry are kept in the recent log.
     */
    public Request record(TopicPartition partition, List<Entry> entries) {
        List<String> logs = new ArrayList<>();
        List<String> outcomes = new ArrayList<>(entries.size() * 2);
        for (Entry e : entries) {
            String offset = Long.toString(e.offset());
            if (e.logEntryJson() != null) {
                logs.add(offset);
                logs.add(e.logEntryJson());
            }
            outcomes.add(offset);
            outcomes.add(e.processed() ? "p" : "f");
        }
        List<String> args = new ArrayList<>(4 + logs.size() + outcomes.size());
        args.add(field(partition));
        args.add(Long.toString(rateTtlSeconds));
        args.add(Integer.toString(recentLogs));
        args.add(Integer.toString(logs.size() / 2));
        args.addAll(logs);
        args.addAll(outcomes);
        List<String> scriptKeys = List.of(keys.marks(), keys.counters(), keys.rateBucket(Instant.now().getEpochSecond()),
                keys.recentLogs());
        return SCRIPT.evalRequest(scriptKeys, args);
    }

    /** Reads the reply of a {@link #record} call. */
    public static Counted counted(Response reply) {
        return new Counted(reply.get(0).toLong(), reply.get(1).toLong(), reply.get(2).toLong(),
                Long.parseLong(reply.get(3).toString()));
    }

    private static String field(TopicPartition partition) {
        return partition.topic() + ":" + partition.partition();
    }
}
