package io.heliograph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The publisher against a scripted HTTP stand-in (the JDK's own server), for what a real relay cannot be made to do
 * on cue: a given status with a given Retry-After, an answer that never comes. The same client against the real
 * relay and Redis is in system-tests (PublisherClientIT).
 */
class HeliographPublisherTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One request as the stand-in received it. */
    record Received(String path, JsonNode body, String authorization, long nanoTime) {
    }

    /** A scripted answer: status, Retry-After (or null), or {@code hang} to answer only after the client gave up. */
    record Answer(int status, String retryAfter, boolean hang) {
        static Answer of(int status) {
            return new Answer(status, null, false);
        }
    }

    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Deque<Answer> script = new ArrayDeque<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    HeliographPublisher publisher;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/events", this::answer);
        server.start();
        publisher = builder().build();
    }

    @AfterEach
    void stop() {
        publisher.close();
        server.stop(0);
    }

    HeliographPublisher.Builder builder() {
        return HeliographPublisher.builder().url("http://127.0.0.1:" + server.getAddress().getPort())
                .key("unit-test-key").initialBackoff(Duration.ofMillis(50)).maxRetryDelay(Duration.ofSeconds(3));
    }

    void script(Answer... answers) {
        synchronized (script) {
            script.addAll(List.of(answers));
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            JsonNode body = MAPPER.readTree(exchange.getRequestBody());
            received.add(new Received(exchange.getRequestURI().getPath(), body,
                    exchange.getRequestHeaders().getFirst("Authorization"), System.nanoTime()));
            Answer answer;
            synchronized (script) {
                answer = script.isEmpty() ? Answer.of(202) : script.poll();
            }
            if (answer.hang()) {
                sleep(1500);
            }
            gate.await(20, TimeUnit.SECONDS);
            if (answer.status() / 100 == 2) {
                byte[] ok = MAPPER.writeValueAsBytes(exchange.getRequestURI().getPath().endsWith("/batch")
                        ? Map.of("results", batchItems(body)) : published(body, received.size()));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), ok.length);
                exchange.getResponseBody().write(ok);
            } else {
                byte[] problem = ("{\"type\":\"about:blank\",\"title\":\"Scripted\",\"status\":" + answer.status()
                        + ",\"detail\":\"scripted failure\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                if (answer.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
                }
                exchange.sendResponseHeaders(answer.status(), problem.length);
                exchange.getResponseBody().write(problem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    static Map<String, Object> published(JsonNode event, long offset) {
        return Map.of("id", event.path("id").asText(), "channel", event.path("channel").asText(), "epoch", "e1",
                "offset", offset, "addedLater", true);
    }

    static List<Map<String, Object>> batchItems(JsonNode body) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (JsonNode event : body.path("events")) {
            items.add(published(event, items.size() + 1));
        }
        return items;
    }

    @Test
    void publishSendsTheEventWithTheKeyAndReadsTheResult() {
        PublishResult result = publisher.publish("recipes", "recipe:created", Map.of("title", "Pho"));

        assertThat(received).hasSize(1);
        Received sent = received.get(0);
        assertThat(sent.path()).isEqualTo("/api/events");
        assertThat(sent.authorization()).isEqualTo("Bearer unit-test-key");
        assertThat(sent.body().path("channel").asText()).isEqualTo("recipes");
        assertThat(sent.body().path("type").asText()).isEqualTo("recipe:created");
        assertThat(sent.body().path("data").path("title").asText()).isEqualTo("Pho");
        assertThat(sent.body().has("subject")).isFalse();
        assertThat(result.id()).isEqualTo(sent.body().path("id").asText()).isNotBlank();
        assertThat(result.channel()).isEqualTo("recipes");
        assertThat(result.offset()).isEqualTo(1);
    }

    @Test
    void rateLimitedPublishWaitsForRetryAfterThenSucceedsWithTheSameId() {
        script(new Answer(429, "1", false));

        PublishResult result = publisher.publish("recipes", "recipe:created", List.of(1, 2));

        assertThat(received).hasSize(2);
        assertThat(Duration.ofNanos(received.get(1).nanoTime() - received.get(0).nanoTime()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        String id = received.get(0).body().path("id").asText();
        assertThat(received.get(1).body().path("id").asText()).isEqualTo(id);
        assertThat(result.id()).isEqualTo(id);
    }

    @Test
    void unavailableRelayIsRetriedWithBackoffAndTheListenerIsTold() {
        List<String> told = new CopyOnWriteArrayList<>();
        try (HeliographPublisher listening = builder()
                .onRetry((event, failure, retry, delay) -> told.add(retry + ":" + failure.status() + ":" + event.id()))
                .build()) {
            script(Answer.of(503), Answer.of(503));

            PublishResult result = listening.publish(EventRequest.of("recipes", "recipe:updated", "x").withId("fixed-id"));

            assertThat(received).hasSize(3);
            assertThat(result.id()).isEqualTo("fixed-id");
            assertThat(told).containsExactly("1:503:fixed-id", "2:503:fixed-id");
        }
    }

    @Test
    void anAttemptWithoutAnswerWithinTheTimeoutIsRetriedWithTheSameId() {
        try (HeliographPublisher impatient = builder().timeout(Duration.ofMillis(300)).build()) {
            script(new Answer(202, null, true));

            PublishResult result = impatient.publish("recipes", "recipe:created", 1);

            assertThat(received).hasSize(2);
            assertThat(received.get(1).body().path("id").asText()).isEqualTo(received.get(0).body().path("id").asText())
                    .isEqualTo(result.id());
        }
    }

    @Test
    void refusalIsNotRetried() {
        script(Answer.of(400));

        assertThatThrownBy(() -> publisher.publish("recipes", "recipe:created", 1))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.title()).isEqualTo("Scripted");
                    assertThat(e.detail()).isEqualTo("scripted failure");
                });
        assertThat(received).hasSize(1);
    }

    @Test
    void retryAfterBeyondTheBudgetFailsAtOnce() {
        script(new Answer(429, "3600", false));

        assertThatThrownBy(() -> publisher.publish("recipes", "recipe:created", 1))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofHours(1));
                });
        assertThat(received).hasSize(1);
    }

    @Test
    void givesUpAfterMaxRetries() {
        script(Answer.of(503), Answer.of(503), Answer.of(503), Answer.of(503), Answer.of(503));

        assertThatThrownBy(() -> publisher.publishAsync(EventRequest.of("recipes", "recipe:created", 1)).join())
                .hasCauseInstanceOf(RelayException.class);
        assertThat(received).hasSize(4); // the first attempt and 3 retries
    }

    @Test
    void unreachableRelayFailsAsUnreachableAfterItsRetries() {
        server.stop(0);

        assertThatThrownBy(() -> publisher.publish("recipes", "recipe:created", 1))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(RelayException.UNREACHABLE);
                    assertThat(e.isTransient()).isTrue();
                });
    }

    @Test
    void withoutAKeyNothingIsSent() {
        try (HeliographPublisher keyless = builder().key(null).build()) {
            assertThatThrownBy(() -> keyless.publish("recipes", "recipe:created", 1))
                    .isInstanceOfSatisfying(RelayException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
        assertThat(received).isEmpty();
    }

    @Test
    void batchGivesEveryEventAnIdAndReturnsOneItemPerEventInOrder() {
        List<EventRequest> events = List.of(EventRequest.of("recipes", "a", 1),
                EventRequest.of("recipes", "b", 2).withId("given"), EventRequest.of("blogs", "c", 3));

        BatchResult result = publisher.publishBatch(events);

        assertThat(received).hasSize(1);
        assertThat(received.get(0).path()).isEqualTo("/api/events/batch");
        JsonNode sent = received.get(0).body().path("events");
        assertThat(sent).hasSize(3);
        assertThat(sent.get(1).path("id").asText()).isEqualTo("given");
        assertThat(sent.get(0).path("id").asText()).isNotBlank().isNotEqualTo(sent.get(2).path("id").asText());
        assertThat(result.results()).extracting(BatchResult.Item::channel).containsExactly("recipes", "recipes", "blogs");
        assertThat(result.results()).allMatch(BatchResult.Item::isPublished);
    }

    @Test
    void aBurstWaitsForFreeConnectionsInsteadOfOpeningMore() throws Exception {
        try (HeliographPublisher bounded = builder().maxConnections(3).build()) {
            gate = new CountDownLatch(1);
            List<CompletableFuture<PublishResult>> burst = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                burst.add(bounded.publishAsync(EventRequest.of("recipes", "burst", i)));
            }
            Thread.sleep(500);
            assertThat(inFlight.get()).isEqualTo(3);
            gate.countDown();
            CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

            assertThat(received).hasSize(20);
            assertThat(maxInFlight.get()).isEqualTo(3);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
