package io.heliograph.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.testkit.RedisServer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The relay against its OWN redis-server, which the test freezes with SIGSTOP (a hung Redis: connections open,
 * no answers) and thaws with SIGCONT; the shared Redis of the other tests is never touched.
 */
@QuarkusTest
@TestProfile(RedisFrozenTest.OwnRedis.class)
class RedisFrozenTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_IN_FLIGHT = 8;

    /** A private redis-server, a short publish timeout and a small in-flight limit, to reach both answers quickly. */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrivateRedis.class, Map.of(), true));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("heliograph.publish-timeout", "4s",
                    "heliograph.publish-max-in-flight", Integer.toString(MAX_IN_FLIGHT));
        }
    }

    /** Starts a private redis-server before the application and stops it afterwards. */
    public static class PrivateRedis implements QuarkusTestResourceLifecycleManager {

        static RedisServer redis;

        @Override
        public Map<String, String> start() {
            redis = new RedisServer(false);
            return Map.of("quarkus.redis.hosts", redis.url());
        }

        @Override
        public void stop() {
            redis.close();
        }
    }

    @TestHTTPResource("/api/events")
    URI events;

    @TestHTTPResource("/q/health/ready")
    URI ready;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    RedisDataSource redis;

    HttpRequest request(String channel, String id) {
        return HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Channels.LOAD_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel
                        + "\",\"type\":\"load\",\"id\":\"" + id + "\",\"data\":\"" + id + "\"}"))
                .build();
    }

    HttpResponse<String> post(String channel, String id) throws Exception {
        return http.send(request(channel, id), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return MAPPER.readTree(response.body());
    }

    /** Each event id of the channel's history with how often it is there. */
    Map<String, Long> idsInHistory(String channel) {
        return Channels.history(redis, channel).stream().map(f -> f.path("event").path("id").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void saturatedIs429AndFrozenIs503ThenARetryWithTheSameIdPublishesOnce() throws Exception {
        String channel = Channels.fresh("load");
        assertThat(post(channel, "warm-up").statusCode()).isEqualTo(202);

        PrivateRedis.redis.freeze();
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                stuck.add(http.sendAsync(request(channel, "stuck-" + i), HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(1000);
            // Redis answered a moment ago, so a full queue means busy, not down: back-pressure.
            HttpResponse<String> saturated = post(channel, "one-too-many");
            assertThat(saturated.statusCode()).isEqualTo(429);
            assertThat(saturated.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(json(saturated).path("code").asText()).isEqualTo("rate_limited");

            for (CompletableFuture<HttpResponse<String>> request : stuck) {
                HttpResponse<String> response = request.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                // The first reached Redis before it froze; the others waited behind it on the channel and were not sent.
                assertThat(json(response).path("detail").asText()).contains("same id")
                        .containsAnyOf("may have been published", "was not sent");
            }
        } finally {
            PrivateRedis.redis.thaw();
        }

        // The stuck events reached Redis before it froze and ran on thaw: a retry answers that first result.
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            assertThat(post(channel, "stuck-" + i).statusCode()).isEqualTo(202);
        }
        assertThat(post(channel, "one-too-many").statusCode()).isEqualTo(202);
        Map<String, Long> ids = idsInHistory(channel);
        assertThat(ids).hasSize(MAX_IN_FLIGHT + 2);
        assertThat(ids.values()).allMatch(n -> n == 1);
    }

    /** Waits until more than {@code count} events are acknowledged (at most a minute: then the test fails). */
    static void awaitMore(Set<String> acknowledged, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (acknowledged.size() <= count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * A publisher that sent no id still gets one it can retry with: the 503 names the id the relay
     * gave the event (and published it under), so the retry after the thaw answers the first result
     * and the channel holds the event once.
     */
    @Test
    void a503NamesTheIdTheRelayGaveAnEventWithoutOne() throws Exception {
        String channel = Channels.fresh("load");
        HttpRequest noId = HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Channels.LOAD_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel + "\",\"type\":\"load\",\"data\":1}"))
                .build();
        HttpResponse<String> refused;
        PrivateRedis.redis.freeze();
        try {
            refused = http.send(noId, HttpResponse.BodyHandlers.ofString());
        } finally {
            PrivateRedis.redis.thaw();
        }
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        String id = json(refused).path("id").asText();
        assertThat(id).as("the problem names the event's id: %s", refused.body()).isNotBlank();

        HttpResponse<String> retried = post(channel, id);
        assertThat(retried.statusCode()).isEqualTo(202);
        assertThat(json(retried).path("id").asText()).isEqualTo(id);
        assertThat(idsInHistory(channel)).containsExactly(Map.entry(id, 1L));
    }

    @Test
    void readinessAnswersDownWhileRedisIsFrozenInsteadOfHanging() throws Exception {
        // A probe gives up after a few seconds; the Redis client's own check would wait its 10 s command timeout.
        HttpRequest probe = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build();
        assertThat(http.send(probe, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        PrivateRedis.redis.freeze();
        try {
            HttpResponse<String> down = http.send(probe, HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(json(down).path("status").asText()).isEqualTo("DOWN");
            assertThat(down.body()).contains("PING");
        } finally {
            PrivateRedis.redis.thaw();
        }
        assertThat(http.send(probe, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void nothingAcknowledgedIsMissingAfterAFreeze() throws Exception {
        String channel = Channels.fresh("load");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Set<String> retryAfter = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        int publishers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                workers.add(pool.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        String id = "p" + publisher + "-" + i;
                        HttpResponse<String> response = post(channel, id);
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                        if (response.statusCode() == 202) {
                            acknowledged.add(id);
                        } else {
                            String after = response.headers().firstValue("Retry-After").orElse("missing");
                            retryAfter.add(after);
                            Thread.sleep(Long.parseLong(after.equals("missing") ? "1" : after) * 1000);
                        }
                    }
                    return null;
                }));
            }
            // Mid-publish: the freeze comes once publishing is under way (a busy machine may take a while to get there).
            awaitMore(acknowledged, publishers);
            PrivateRedis.redis.freeze();
            try {
                Thread.sleep(6000);
            } finally {
                PrivateRedis.redis.thaw();
            }
            // And publishing goes on after the thaw.
            awaitMore(acknowledged, acknowledged.size());
        } finally {
            running.set(false);
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }

        assertThat(statuses.keySet()).containsAnyOf(503).isSubsetOf(202, 429, 503);
        assertThat(retryAfter).containsOnly("1");
        Map<String, Long> ids = idsInHistory(channel);
        assertThat(ids.keySet()).containsAll(acknowledged);
        assertThat(ids.values()).allMatch(n -> n == 1);
        assertThat(acknowledged.size()).isGreaterThan(publishers);
    }
}
