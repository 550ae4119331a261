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

    /** Hash: how far the lifecycle of one record got (the idempotency marker). */
    public String record(String topic, int partition, long offset) {
        return base + "rec:" + topic + ":" + partition + ":" + offset;
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
