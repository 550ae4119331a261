package io.heliograph.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.rest.HttpProblem;

class RateLimiterTest {

    static PublisherKey key(String name, int perSecond) {
        return new PublisherKey(name, new byte[32], Set.of("recipes"), perSecond);
    }

    @Test
    void burstUpToTheLimitPassesThenIs429WithRetryAfter() {
        RateLimiter limiter = new RateLimiter();
        PublisherKey key = key("k", 50);
        // A fresh bucket is full: 50 events pass at once (refill only adds to that).
        for (int i = 0; i < 50; i++) {
            limiter.acquire(key, 1);
        }
        assertThatThrownBy(() -> {
            for (int i = 0; i < 50; i++) {
                limiter.acquire(key, 1);
            }
        }).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.status()).isEqualTo(429);
            assertThat(p.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter();
        limiter.acquire(key("a", 10), 10);
        limiter.acquire(key("b", 10), 10);
    }

    @Test
    void aBatchTakesOneTokenPerEvent() {
        RateLimiter limiter = new RateLimiter();
        PublisherKey key = key("k", 100);
        limiter.acquire(key, 100);
        assertThatThrownBy(() -> limiter.acquire(key, 100)).isInstanceOf(HttpProblem.class);
    }
}
