package io.heliograph.relay.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.inject.Singleton;

import io.heliograph.relay.rest.HttpProblem;

/**
 * A token bucket per publisher key: {@code rateLimit} events per second, bursts up to the same
 * number. The limit holds per relay instance (it costs no Redis round trip); behind a load balancer
 * of N relays a key may publish up to N times its limit. Thread-safe.
 */
@Singleton
public class RateLimiter {

    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * Takes {@code events} tokens from the key's bucket.
     *
     * @throws HttpProblem 429 with the time until enough tokens are back as Retry-After
     */
    public void acquire(PublisherKey key, int events) {
        long waitNanos = buckets.computeIfAbsent(key.name(), n -> new Bucket(key.rateLimit())).take(events);
        if (waitNanos > 0) {
            // Retry-After counts whole seconds; round up so a client that obeys it is not refused again.
            throw HttpProblem.rateLimited(Duration.ofSeconds(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)));
        }
    }

    private static final class Bucket {

        private final double perNano;
        private final double capacity;
        private double tokens;
        private long refilledAt = System.nanoTime();

        Bucket(int perSecond) {
            this.perNano = perSecond / 1e9;
            this.capacity = perSecond;
            this.tokens = perSecond;
        }

        /** 0 when taken, else how long until {@code n} tokens would be there (nothing is taken). */
        synchronized long take(int n) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
            if (n > capacity) {
                // A batch larger than the whole bucket could never pass; let it wait for a full bucket.
                n = (int) capacity;
            }
            if (tokens >= n) {
                tokens -= n;
                return 0;
            }
            return (long) Math.ceil((n - tokens) / perNano);
        }
    }
}
