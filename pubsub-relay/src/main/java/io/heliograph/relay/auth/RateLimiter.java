package io.heliograph.relay.auth;

import jakarta.inject.Singleton;

import io.heliograph.core.config.HeliographConfig;
import io.heliograph.core.limit.FleetRateLimiter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;

/**
 * The rate limit of each publisher key, {@code rateLimit} events per second with bursts up to the same number, held
 * by all relays together: the bucket of a key is in Redis ({@link FleetRateLimiter}, key
 * {@code hg:limit:relay:<key name>}), and each relay leases tokens from it in small batches, so behind a load
 * balancer of N relays a key still publishes at most its limit, at the cost of one Redis call per lease (about 50 a
 * second for a key at full speed), not per event. Thread-safe; never blocks.
 */
@Singleton
public class RateLimiter {

    /** Prefix of the buckets' Redis keys. */
    static final String KEY_PREFIX = "hg:limit:relay:";

    private final FleetRateLimiter limiter;

    public RateLimiter(Redis redis, HeliographConfig config) {
        this.limiter = new FleetRateLimiter(redis, KEY_PREFIX, config.publishTimeout());
    }

    /**
     * Takes {@code events} tokens from the key's bucket.
     *
     * @return fails with {@link FleetRateLimiter.Exceeded} (429 with the time until enough tokens are back as
     *         Retry-After), or with an unavailable {@link io.heliograph.core.publish.PublishException} (503)
     */
    public Uni<Void> acquire(PublisherKey key, int events) {
        return limiter.acquire(key.name(), key.rateLimit(), events);
    }
}
