package io.heliograph.fetcher.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.fetcher.testing.SimulatedProfile;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The lease two replicas compete for, on the real Redis. */
@QuarkusTest
@TestProfile(SimulatedProfile.class)
class FleetLockTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ReactiveRedisDataSource reactive;

    @Inject
    RedisDataSource redis;

    @Inject
    FleetScheduler scheduler;

    String key() {
        return "test-lock-" + UUID.randomUUID();
    }

    @Test
    void oneHolderAtATimeAndOnlyTheHolderRenewsOrReleases() {
        String key = key();
        FleetLock a = new FleetLock(reactive, key, "replica-a", Duration.ofSeconds(10));
        FleetLock b = new FleetLock(reactive, key, "replica-b", Duration.ofSeconds(10));
        assertThat(a.acquireOrRenew().await().atMost(WAIT)).isTrue();
        assertThat(b.acquireOrRenew().await().atMost(WAIT)).isFalse();
        assertThat(redis.value(String.class).get(key)).isEqualTo(a.token()).startsWith("replica-a:");
        assertThat(redis.key().pttl(key)).isBetween(1L, 10_000L);

        // Renewal extends only the holder's own lease; b cannot release what it does not hold.
        assertThat(a.acquireOrRenew().await().atMost(WAIT)).isTrue();
        assertThat(b.release().await().atMost(WAIT)).isFalse();
        assertThat(redis.value(String.class).get(key)).isEqualTo(a.token());

        // A clean release hands over at once.
        assertThat(a.release().await().atMost(WAIT)).isTrue();
        assertThat(b.acquireOrRenew().await().atMost(WAIT)).isTrue();
        assertThat(a.acquireOrRenew().await().atMost(WAIT)).isFalse();
        assertThat(a.release().await().atMost(WAIT)).isFalse();
        assertThat(redis.value(String.class).get(key)).isEqualTo(b.token());
        redis.key().del(key);
    }

    @Test
    void aLeaseWhoseHolderStoppedRenewingExpiresAndIsTakenOver() {
        String key = key();
        FleetLock crashed = new FleetLock(reactive, key, "crashed", Duration.ofMillis(500));
        FleetLock standby = new FleetLock(reactive, key, "standby", Duration.ofMillis(500));
        assertThat(crashed.acquireOrRenew().await().atMost(WAIT)).isTrue();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> standby.acquireOrRenew().await().atMost(WAIT));
        // The old holder finds out on its next renewal, and must stop.
        assertThat(crashed.acquireOrRenew().await().atMost(WAIT)).isFalse();
        redis.key().del(key);
    }

    @Test
    void theRunningReplicaHoldsItsFleetLock() {
        await().atMost(WAIT).until(scheduler::leader);
        assertThat(scheduler.lockToken()).startsWith("sim-");
    }
}
