package io.heliograph.fetcher.rest;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * At most one forced refresh per {@code refresh-min-interval} across the whole fleet: the first
 * caller sets a Redis key with that expiry ({@code SET NX PX}); until it expires every other caller,
 * on any replica, is told how long to wait.
 */
@ApplicationScoped
public class RefreshLimiter {

    private final ReactiveRedisDataSource redis;
    private final String key;
    private final Duration interval;

    public RefreshLimiter(ReactiveRedisDataSource redis, FetcherIdentity identity, FetcherConfig config) {
        this.redis = redis;
        this.key = identity.refreshLimitKey();
        this.interval = config.refreshMinInterval();
    }

    /** Succeeds when a refresh may run now; fails with {@link RateLimitedException} otherwise. */
    public Uni<Void> acquire() {
        return redis.execute("SET", key, "1", "NX", "PX", Long.toString(interval.toMillis()))
                .onFailure().transform(e -> new UnavailableException("Redis is unreachable", e))
                .chain(set -> {
                    if (set != null && "OK".equals(set.toString())) {
                        return Uni.createFrom().voidItem();
                    }
                    return redis.key(String.class).pttl(key)
                            .onFailure().transform(e -> new UnavailableException("Redis is unreachable", e))
                            .chain(pttl -> {
                                long ms = pttl > 0 ? pttl : interval.toMillis();
                                return Uni.createFrom().failure(new RateLimitedException(
                                        "the summary was refreshed less than " + interval.toSeconds()
                                                + " s ago; try again later",
                                        Duration.ofMillis(ms)));
                            });
                });
    }
}
