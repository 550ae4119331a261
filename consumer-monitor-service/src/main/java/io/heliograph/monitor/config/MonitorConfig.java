package io.heliograph.monitor.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the consumer monitor. The Kafka channel wiring reads {@link #topics()} and {@link #groupId()}. */
@ConfigMapping(prefix = "heliograph.monitor")
public interface MonitorConfig {

    /** The Kafka topics consumed; the first one is also the default target of the producer endpoints. */
    @WithDefault("transactions_topic")
    List<String> topics();

    /** The Kafka consumer group every instance joins. */
    @WithDefault("heliograph-consumer-monitor")
    String groupId();

    /** This instance's name in {@code consumer-status-changed} and {@code /api/consumers}; default: host name and a random suffix. */
    Optional<String> consumerId();

    /** Redis keys are {@code hg:{<prefix>}:...}; one prefix per deployment (the hash tag keeps them in one cluster slot). */
    @WithDefault("monitor")
    String keyPrefix();

    /** The Heliograph channels the lifecycle, statistics and consumer status are published on. */
    Channels channels();

    /** The rule set every row of a record is checked against. */
    Validation validation();

    /** How many finished records {@code /api/logs/recent} keeps. */
    @WithDefault("100")
    int recentLogs();

    /** Least time between two {@code stats-updated} events, across all instances. */
    @WithDefault("250ms")
    Duration statsInterval();

    /** Messages per second are averaged over this many whole seconds. */
    @WithDefault("5")
    int rateWindowSeconds();

    /** How often an instance renews its heartbeat and looks for dead instances. */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /** An instance whose heartbeat is older than this is announced INACTIVE. */
    @WithDefault("6s")
    Duration heartbeatTtl();

    /** How long an INACTIVE instance stays listed in {@code /api/consumers}. */
    @WithDefault("10m")
    Duration inactiveRetention();

    /** How the Kafka consumer polls, batches and commits (bootstrap servers and client settings: {@code kafka.*}). */
    Consumer consumer();

    /** First delay before a batch whose lifecycle could not be recorded (Redis or Kafka down) is tried again. */
    @WithDefault("200ms")
    Duration retryInitialBackoff();

    /** Longest delay between two attempts of such a batch; it is retried until it succeeds. */
    @WithDefault("5s")
    Duration retryMaxBackoff();

    /**
     * How long a batch waits for Redis to answer before it is tried again. Long on purpose: a frozen Redis runs
     * what waits in its socket once it thaws, so a retry before that would publish the batch's events twice.
     */
    @WithDefault("60s")
    Duration redisReplyTimeout();

    /** How long a producer endpoint waits for the broker's acknowledgement. */
    @WithDefault("10s")
    Duration produceTimeout();

    /** The largest body the producer endpoints accept, in bytes. */
    @WithDefault("1048576")
    int maxProduceBytes();

    /** Who may use the producer endpoints (a demo write API: it writes records into the consumed topics). */
    Producer producer();

    interface Consumer {

        /** Most records one poll returns, over all partitions; a partition's share of a poll is one batch. */
        @WithDefault("500")
        int maxPollRecords();

        /** How long a poll waits for records when no batch finishes meanwhile. */
        @WithDefault("200ms")
        Duration pollTimeout();

        /** A member that sends no heartbeat for this long leaves the group and its partitions move. */
        @WithDefault("10s")
        Duration sessionTimeout();

        /** How often the member heartbeats to the group coordinator; well under the session timeout. */
        @WithDefault("2s")
        Duration heartbeatInterval();

        /**
         * How long a rebalance waits for the batches of revoked partitions to be recorded and committed before it
         * lets them go unfinished (the next owner redoes them; they are still counted once).
         */
        @WithDefault("10s")
        Duration revokeWait();

        /** How often the consumer lag (end offset minus committed offset) of the held partitions is measured. */
        @WithDefault("1s")
        Duration lagInterval();
    }

    interface Producer {

        /**
         * The secret callers send as {@code Authorization: Bearer <key>} (env HELIOGRAPH_MONITOR_PRODUCER_KEY);
         * without one the producer endpoints answer 403 and say what to set.
         */
        Optional<String> key();
    }

    interface Channels {

        /** {@code message-received}, {@code processing-started}, {@code processing-completed|failed}. */
        @WithDefault("consumer.events")
        String events();

        /** {@code stats-updated}. */
        @WithDefault("consumer.stats")
        String stats();

        /** {@code consumer-status-changed}. */
        @WithDefault("consumer.status")
        String status();
    }

    interface Validation {

        /** Fields every row must carry with a non-blank value. */
        Optional<List<String>> requiredFields();

        /** A row must carry at least one of these fields, with a numeric value. */
        @WithDefault("amount,value")
        List<String> numericAnyOf();

        /** Rows a CSV batch may hold; more fails the record. */
        @WithDefault("10000")
        int maxRows();
    }
}
