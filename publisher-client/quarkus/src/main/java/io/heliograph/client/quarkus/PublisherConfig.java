package io.heliograph.client.quarkus;

import java.time.Duration;
import java.util.Optional;

import io.heliograph.client.HeliographPublisher;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a Quarkus backend reaches pubsub-relay: the settings of the {@code HeliographPublisher} it can inject. */
@ConfigMapping(prefix = "heliograph.publisher")
public interface PublisherConfig {

    /**
     * Base URL of the relay, for example {@code http://pubsub-relay:8081}. Resolved again at the first
     * publish, so a value such as {@code http://127.0.0.1:${quarkus.http.port}} sees the port the
     * application actually bound (random ports in tests).
     */
    Optional<String> url();

    /** The publisher key sent as {@code Authorization: Bearer <key>}. */
    Optional<String> key();

    /** How many times a transient failure (429, 503, no answer) is retried before giving up. */
    @WithDefault("" + HeliographPublisher.Builder.DEFAULT_MAX_RETRIES)
    int maxRetries();

    /** First back-off when the relay gave no Retry-After; it doubles on each retry. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** The longest single wait; a Retry-After asking for more fails the publish at once instead. */
    @WithDefault("10s")
    Duration maxRetryDelay();

    /** How long one HTTP attempt may wait for its answer before it is retried. */
    @WithDefault("5s")
    Duration timeout();

    /** At most this many requests in flight to the relay, so connections; more publishes queue. */
    @WithDefault("" + HeliographPublisher.Builder.DEFAULT_MAX_CONNECTIONS)
    int maxConnections();
}
