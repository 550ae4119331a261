package io.heliograph.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.gateway.support.Channels;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/** The broker's one guarantee beyond delivery: Redis sees subscribe/unsubscribe in call order. */
@QuarkusTest
class RedisBrokerTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    RedisBroker broker;

    @Inject
    Redis redis;

    long subscribers(String channel) {
        return RedisAPI.api(redis).pubsub(List.of("NUMSUB", ChannelName.of(channel).pubSubChannel()))
                .await().atMost(WAIT).get(1).toLong();
    }

    /**
     * The race behind lost live events after an SSE-to-WebSocket switch: the last subscriber
     * leaves on one event loop while a new one joins on the subscriber connection's own loop.
     * Vert.x writes a command at once on the connection's loop but queues it from elsewhere, so
     * the later SUBSCRIBE used to overtake the earlier UNSUBSCRIBE and Redis ended unsubscribed.
     */
    @Test
    void anUnsubscribeFromAnotherThreadIsNotOvertakenByALaterSubscribeOnTheConnectionsLoop() throws Exception {
        for (int round = 0; round < 5; round++) {
            String channel = Channels.unique("recipes");
            broker.subscribe(channel).await().atMost(WAIT);
            CompletableFuture<Void> resubscribed = new CompletableFuture<>();
            broker.context().runOnContext(v -> {
                // Holding the connection's loop: the UNSUBSCRIBE made meanwhile on another thread
                // can only be queued behind us, then the SUBSCRIBE is made here, on the loop.
                Thread other = new Thread(() -> broker.unsubscribe(channel));
                other.start();
                try {
                    other.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                broker.subscribe(channel).subscribe().with(x -> resubscribed.complete(null), resubscribed::completeExceptionally);
            });
            resubscribed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (subscribers(channel) != 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(subscribers(channel)).as("round %d: Redis still delivers %s to this node", round, channel)
                    .isEqualTo(1);
            broker.unsubscribe(channel);
        }
    }
}
