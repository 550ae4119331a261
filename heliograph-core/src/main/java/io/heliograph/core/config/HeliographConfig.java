package io.heliograph.core.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings every Heliograph service shares: the namespace table of PROTOCOL.md section 1 and the
 * publish path. The defaults of the namespace table ship in this module's
 * {@code META-INF/microprofile-config.properties}; a service overrides them in its own configuration.
 */
@ConfigMapping(prefix = "heliograph")
public interface HeliographConfig {

    /** Namespace policies, by namespace name. A namespace not listed here is refused. */
    Map<String, NamespaceConfig> namespaces();

    /** How long a channel's offset, epoch and history live after its last publish. */
    @WithDefault("24h")
    Duration channelTtl();

    /** The largest encoded event envelope, in bytes. */
    @WithDefault("65536")
    int maxEnvelopeBytes();

    /** Use sharded Pub/Sub (SPUBLISH / SSUBSCRIBE) for Redis Cluster. */
    @WithDefault("false")
    boolean sharded();

    /** How long a publish waits for Redis before it fails as unavailable. */
    @WithDefault("5s")
    Duration publishTimeout();

    /** How long an event id published with an idempotency scope is remembered, so that a repeat is published once. */
    @WithDefault("24h")
    Duration idempotencyTtl();

    /**
     * The most publish calls (one event, or one multi-event call) of this process waiting for Redis at once; beyond
     * it a publish is refused at once as overloaded (HTTP 429) instead of queueing without bound.
     */
    @WithDefault("4096")
    int publishMaxInFlight();

    /** This process's name in the fleet (gateway stats, process metrics); derived from the host when unset. */
    java.util.Optional<String> nodeId();

    /** The per-second process metrics every service publishes on {@code metrics.<service>}. */
    Metrics metrics();

    /** Settings of the process metrics. */
    interface Metrics {

        /** Publish process metrics at all. */
        @WithDefault("true")
        boolean enabled();

        /** How often. */
        @WithDefault("1s")
        Duration interval();
    }

    /** One namespace's policy. */
    interface NamespaceConfig {

        /** Frames kept in the history stream; 0 keeps none. */
        @WithDefault("0")
        int history();

        /** Send the latest frame with {@code subscribed}. */
        @WithDefault("false")
        boolean snapshot();

        /** Track and announce who is subscribed. */
        @WithDefault("false")
        boolean presence();

        /** Browsers may publish through the gateway. */
        @WithDefault("false")
        boolean clientPublish();

        /** Only the connection whose JWT subject equals the part after the dot may subscribe. */
        @WithDefault("false")
        boolean ownerOnly();
    }
}
