package io.heliograph.core.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.heliograph.core.publish.PublishException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/** The fleet-wide buckets against the real Redis started by {@code ./heliograph infra up}. */
class FleetRateLimiterTest {

    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    static final Duration WAIT = Duration.ofSeconds(10);

    static Vertx vertx;
    static Redis redis;
    static Redis otherProcess;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, REDIS_URL);
        otherProcess = Redis.createClient(vertx, REDIS_URL);
    }

    @AfterAll
    static void close() {
        redis.close();
        otherProcess.close();
        vertx.closeAndAwait();
    }

    static FleetRateLimiter limiter(Redis client) {
        return new FleetRateLimiter(client, "hg:limit:test:", Duration.ofSeconds(5));
    }

    static String name() {
        return "k-" + UUID.randomUUID();
    }

    @Test
    void aBurstUpToTheLimitPassesThenTheNextIsRefusedWithTheTimeUntilItCouldPass() {
        FleetRateLimiter limiter = limiter(redis);
        String name = name();
        // The bucket starts full: 50 at once pass, however many leases that takes.
        List<Uni<Void>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(limiter.acquire(name, 50, 1));
        }
        Uni.join().all(burst).andFailFast().await().atMost(WAIT);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 50; i++) {
                limiter.acquire(name, 50, 1).await().atMost(WAIT);
            }
        }).isInstanceOfSatisfying(FleetRateLimiter.Exceeded.class,
                e -> assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void twoProcessesShareOneBucket() {
        String name = name();
        FleetRateLimiter first = limiter(redis);
        FleetRateLimiter second = limiter(otherProcess);
        // A whole second's worth taken by one process leaves nothing for the other, whose own count is untouched.
        first.acquire(name, 100, 100).await().atMost(WAIT);
        assertThatThrownBy(() -> second.acquire(name, 100, 100).await().atMost(WAIT))
                .isInstanceOf(FleetRateLimiter.Exceeded.class);
        assertThatThrownBy(() -> second.acquire(name, 100, 60).await().atMost(WAIT))
                .isInstanceOf(FleetRateLimiter.Exceeded.class);
    }

    @Test
    void namesHaveTheirOwnBuckets() {
        FleetRateLimiter limiter = limiter(redis);
        limiter.acquire(name(), 10, 10).await().atMost(WAIT);
        limiter.acquire(name(), 10, 10).await().atMost(WAIT);
    }

    @Test
    void aRequestLargerThanTheBucketWaitsForAFullBucketInsteadOfNeverPassing() {
        FleetRateLimiter limiter = limiter(redis);
        String name = name();
        limiter.acquire(name, 10, 500).await().atMost(WAIT);
        assertThatThrownBy(() -> limiter.acquire(name, 10, 500).await().atMost(WAIT))
                .isInstanceOf(FleetRateLimiter.Exceeded.class);
    }

    @Test
    void withoutRedisTheRequestFailsAsUnavailable() {
        Redis nowhere = Redis.createClient(vertx, "redis://127.0.0.1:1");
        try {
            assertThatThrownBy(() -> limiter(nowhere).acquire(name(), 10, 1).await().atMost(WAIT))
                    .isInstanceOfSatisfying(PublishException.class,
                            e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.UNAVAILABLE));
        } finally {
            nowhere.close();
        }
    }
}
