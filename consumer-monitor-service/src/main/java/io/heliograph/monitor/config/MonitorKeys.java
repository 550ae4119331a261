package io.heliograph.monitor.config;

import jakarta.inject.Singleton;

/**
 * The Redis keys of one monitor deployment. All share the hash tag {@code {<prefix>}}, so the
 * counting script may touch several of them atomically, also on Redis Cluster.
 */
@Singleton
public class MonitorKeys {

    private final String base;

    public MonitorKeys(MonitorConfig config) {
        this.base = "hg:{" + config.keyPrefix() + "}:";
    }

    /**
     * Hash: field {@code <topic>:<partition>}, the highest offset of that partition whose lifecycle is recorded
     * and counted (the idempotency mark: a partition is recorded in offset order, so any offset at or below it
     * is done).
     */
    public String marks() {
        return base + "marks";
    }

    /** Hash: totalMessages, processedMessages, failedMessages. */
    public String counters() {
        return base + "stats";
    }

    /** Counter: records finished in one epoch second. */
    public String rateBucket(long epochSecond) {
        return base + "rate:" + epochSecond;
    }

    /** List: the latest finished records, newest first. */
    public String recentLogs() {
        return base + "logs";
    }

    /** Held for one stats interval by the instance that publishes {@code stats-updated}. */
    public String statsGate() {
        return base + "stats:gate";
    }

    /** Sorted set: live instances, score = heartbeat deadline (epoch ms). */
    public String aliveConsumers() {
        return base + "consumers:alive";
    }

    /** Hash: consumer id to its last known {@code ConsumerInfo} JSON. */
    public String consumerInfo() {
        return base + "consumers";
    }
}
