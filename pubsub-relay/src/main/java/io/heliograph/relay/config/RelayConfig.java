package io.heliograph.relay.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.heliograph.core.net.ClientAddress.TrustedProxy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of pubsub-relay: publisher keys and the limits of the publish API. */
@ConfigMapping(prefix = "heliograph.relay")
public interface RelayConfig {

    /** The secret of the publisher key named {@code default} (env HELIOGRAPH_RELAY_PUBLISHER_KEY). */
    Optional<String> publisherKey();

    /** The namespaces the {@code default} key may publish to ({@code chat} is for clients, under the chat rules, only). */
    @WithDefault("recipes,blogs,user")
    List<String> publisherNamespaces();

    /**
     * The secret of the example CRUD backend (env HELIOGRAPH_RELAY_CRUD_KEY): its writes need it as
     * {@code Authorization: Bearer <key>}, and it publishes with it as the key {@code crud-example},
     * allowed {@code recipes} and {@code blogs} only. Without it the CRUD writes answer 403.
     */
    Optional<String> crudKey();

    /** Further publisher keys by name, for example {@code heliograph.relay.keys."billing".secret}. */
    Map<String, KeyConfig> keys();

    /** Events a key may publish per second (a batch counts each event); the burst is the same size. */
    @WithDefault("1000")
    int rateLimit();

    /**
     * Failed authentications one client address may make per minute; beyond them every request of that
     * address is answered 429 with Retry-After until the minute has passed (against key guessing).
     */
    @WithDefault("10")
    int authFailuresPerMinute();

    /**
     * The proxies in front of the relay (addresses or CIDR ranges, e.g. {@code 10.0.0.0/8}; none by default): only
     * from them is {@code X-Forwarded-For} believed, to throttle failed authentications per client, not per proxy.
     */
    Optional<List<TrustedProxy>> trustedProxies();

    /** The most events one batch may carry; more is refused with 413. */
    @WithDefault("100")
    int maxBatch();

    /** The Retry-After sent with 429 while more publishes wait for Redis than the relay admits. */
    @WithDefault("1s")
    Duration overloadedRetryAfter();

    /** The Retry-After sent with 503 while Redis is unreachable. */
    @WithDefault("1s")
    Duration unavailableRetryAfter();

    /** How long one Redis command of the relay (the CRUD backend) may take before Redis counts as unreachable. */
    @WithDefault("5s")
    Duration redisTimeout();

    /** How long readiness waits for Redis's PING before it answers DOWN (a probe must not hang on a frozen Redis). */
    @WithDefault("500ms")
    Duration readinessTimeout();

    /** One named publisher key. */
    interface KeyConfig {

        /** The secret a publisher sends as {@code Authorization: Bearer <secret>}. */
        String secret();

        /** The namespaces this key may publish to. */
        List<String> namespaces();

        /** Overrides {@link RelayConfig#rateLimit()} for this key. */
        OptionalInt rateLimit();
    }
}
