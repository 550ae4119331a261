package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.client.BatchResult;
import io.heliograph.client.EventRequest;
import io.heliograph.client.HeliographPublisher;
import io.heliograph.client.PublishResult;
import io.heliograph.client.RelayException;
import io.heliograph.testkit.RedisServer;
import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;

/**
 * The plain-Java publisher (publisher-client/core) against a packaged relay and a private redis-server, which the
 * retry tests freeze (SIGSTOP: connections open, no answers) so the relay answers 503 or nothing at all; the shared
 * Redis is never touched. What counts is what a browser would get: the channel's history in Redis.
 */
class PublisherClientIT {

    static final String KEY = "it-client-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(60);
    static RedisServer redis;
    static ServiceProcess relay;
    static Vertx vertx;
    static RedisAPI redisApi;

    @BeforeAll
    static void start() {
        redis = new RedisServer(false);
        // A short Redis timeout in the relay, so a frozen Redis is answered with 503 + Retry-After within a second.
        relay = Services.start("pubsub-relay", "it-relay-client", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", KEY,
                "HELIOGRAPH_RELAY_CRUD_KEY", "it-crud-" + UUID.randomUUID(), "QUARKUS_REDIS_HOSTS", redis.url(),
                "HELIOGRAPH_PUBLISH_TIMEOUT", "1s"));
        vertx = Vertx.vertx();
        redisApi = RedisAPI.api(Redis.createClient(vertx, redis.url()));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (vertx != null) {
            redisApi.close();
            vertx.closeAndAwait();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static HeliographPublisher.Builder publisher() {
        return HeliographPublisher.builder().url(relay.uri()).key(KEY).initialBackoff(Duration.ofMillis(100))
                .maxRetries(20).maxRetryDelay(Duration.ofSeconds(2));
    }

    static String channel() {
        return "recipes.client" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The frames of the channel's history, oldest first. */
    static List<JsonNode> history(String channel) throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        for (Response entry : redisApi.xrange(List.of("hg:{" + channel + "}:history", "-", "+")).await().atMost(WAIT)) {
            frames.add(WsClient.MAPPER.readTree(entry.get(1).get(1).toString()));
        }
        return frames;
    }

    static List<String> idsInHistory(String channel) throws Exception {
        return history(channel).stream().map(f -> f.path("event").path("id").asText()).toList();
    }

    @Test
    void aPublishIsInTheChannelHistoryWithTheOffsetTheResultGave() throws Exception {
        String channel = channel();
        try (HeliographPublisher publisher = publisher().build()) {
            PublishResult result = publisher.publish(channel, "recipe:created", Map.of("id", 42, "title", "Pho"));

            List<JsonNode> frames = history(channel);
            assertThat(frames).hasSize(1);
            JsonNode frame = frames.get(0);
            assertThat(frame.path("offset").asLong()).isEqualTo(result.offset());
            assertThat(frame.path("epoch").asText()).isEqualTo(result.epoch());
            assertThat(frame.path("event").path("id").asText()).isEqualTo(result.id());
            assertThat(frame.path("event").path("type").asText()).isEqualTo("recipe:created");
            assertThat(frame.path("event").path("data").path("title").asText()).isEqualTo("Pho");
        }
    }

    @Test
    void aBatchPublishesEveryEventInOrderAndReportsARefusalInTheMiddle() throws Exception {
        String first = channel();
        String second = channel();
        try (HeliographPublisher publisher = publisher().build()) {
            BatchResult result = publisher.publishBatch(List.of(EventRequest.of(first, "a", 1),
                    EventRequest.of("forbidden.place", "b", 2), EventRequest.of(second, "c", 3),
                    EventRequest.of(first, "d", 4)));

            assertThat(result.results()).hasSize(4);
            assertThat(result.results().get(1).isPublished()).isFalse();
            assertThat(result.results().get(1).status()).isEqualTo(403);
            assertThat(history(first)).extracting(f -> f.path("event").path("type").asText()).containsExactly("a", "d");
            assertThat(history(second)).extracting(f -> f.path("event").path("type").asText()).containsExactly("c");
            assertThat(idsInHistory(first)).containsExactly(result.results().get(0).id(), result.results().get(3).id());
        }
    }

    @Test
    void aRefusalIsReportedAtOnceAndNotRetried() {
        List<RelayException> retried = new CopyOnWriteArrayList<>();
        try (HeliographPublisher publisher = publisher().onRetry((e, failure, retry, delay) -> retried.add(failure)).build()) {
            assertThatThrownBy(() -> publisher.publish("forbidden.place", "x", 1))
                    .isInstanceOfSatisfying(RelayException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
        try (HeliographPublisher wrongKey = publisher().key("not-a-key").build()) {
            assertThatThrownBy(() -> wrongKey.publish(channel(), "x", 1))
                    .isInstanceOfSatisfying(RelayException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
        assertThat(retried).isEmpty();
    }

    @Test
    void aRetryAfterA503PublishesExactlyOnce() throws Exception {
        String channel = channel();
        List<RelayException> retried = new CopyOnWriteArrayList<>();
        CountDownLatch first503 = new CountDownLatch(1);
        try (HeliographPublisher publisher = publisher().onRetry((e, failure, retry, delay) -> {
            retried.add(failure);
            if (failure.status() == 503) {
                first503.countDown();
            }
        }).build()) {
            publisher.publish(channel, "warm-up", 0);
            CompletableFuture<PublishResult> publishing;
            redis.freeze();
            try {
                publishing = publisher.publishAsync(EventRequest.of(channel, "recipe:created", Map.of("id", 7)));
                assertThat(first503.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the relay answered 503").isTrue();
            } finally {
                redis.thaw();
            }
            PublishResult result = publishing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(retried).isNotEmpty().allSatisfy(f -> {
                assertThat(f.status()).isEqualTo(503);
                assertThat(f.retryAfter()).isPresent();
            });
            List<String> ids = idsInHistory(channel);
            assertThat(ids).hasSize(2).containsOnlyOnce(result.id());
            assertThat(history(channel).get(1).path("offset").asLong()).isEqualTo(result.offset());
        }
    }

    @Test
    void aRetryAfterATimeoutPublishesExactlyOnce() throws Exception {
        String channel = channel();
        List<RelayException> retried = new CopyOnWriteArrayList<>();
        CountDownLatch firstTimeout = new CountDownLatch(1);
        // The client gives up on an attempt before the relay gives up on Redis: the attempt had no answer at all.
        try (HeliographPublisher publisher = publisher().timeout(Duration.ofMillis(300))
                .onRetry((e, failure, retry, delay) -> {
                    retried.add(failure);
                    if (failure.status() == RelayException.UNREACHABLE) {
                        firstTimeout.countDown();
                    }
                }).build()) {
            publisher.publish(channel, "warm-up", 0);
            CompletableFuture<PublishResult> publishing;
            redis.freeze();
            try {
                publishing = publisher.publishAsync(EventRequest.of(channel, "recipe:created", Map.of("id", 8)));
                assertThat(firstTimeout.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("an attempt timed out").isTrue();
            } finally {
                redis.thaw();
            }
            PublishResult result = publishing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(retried).extracting(RelayException::status).contains(RelayException.UNREACHABLE);
            List<String> ids = idsInHistory(channel);
            assertThat(ids).hasSize(2).containsOnlyOnce(result.id());
        }
    }
}
