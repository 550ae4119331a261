package io.heliograph.gateway.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Published;
import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.SseClient;
import io.heliograph.gateway.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The HTTP fallbacks of PROTOCOL.md section 6: SSE with compound Last-Event-ID, and long-poll. */
@QuarkusTest
class HttpFallbacksTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventPublisher publisher;

    Published publish(String channel, Object data) {
        return publisher.publish(channel, CloudEvent.of("/test", "test-event", null, data)).await().atMost(WAIT);
    }

    /** Reads SSE events (id, event, data) until {@code count} events with data arrived. */
    List<String[]> readSse(String query, String lastEventId, int count, Runnable afterConnect) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/sse?" + query)).timeout(Duration.ofSeconds(30));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        CompletableFuture<List<String[]>> events = CompletableFuture.supplyAsync(() -> {
            List<String[]> out = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String id = null, name = null, line;
                while (out.size() < count && (line = reader.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        out.add(new String[] { id, name, line.substring(6) });
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        });
        afterConnect.run();
        return events.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void sseStreamsEventsWithCompoundIdsAndResumesFromLastEventId() throws Exception {
        String a = Channels.unique("recipes");
        String b = Channels.unique("blogs");
        List<String[]> first = readSse("channel=" + a + "&channel=" + b, null, 4, () -> {
            sleep(500);
            publish(a, "a1");
            publish(b, "b1");
        });
        // two subscribed events, then the two events
        assertThat(first.get(0)[1]).isEqualTo("subscribed");
        assertThat(first.get(1)[1]).isEqualTo("subscribed");
        assertThat(first.get(2)[1]).isEqualTo("test-event");
        assertThat(first.get(2)[2]).contains("\"offset\":1").contains("\"a1\"");
        String lastId = first.get(3)[0];
        assertThat(lastId).contains(a + "@").contains(b + "@").endsWith(":1");

        publish(a, "a2");
        publish(b, "b2");
        List<String[]> resumed = readSse("channel=" + a + "&channel=" + b, lastId, 4, () -> { });
        List<String> data = resumed.stream().filter(e -> "test-event".equals(e[1])).map(e -> e[2]).toList();
        assertThat(data).hasSize(2);
        assertThat(String.join("", data)).contains("\"a2\"").contains("\"b2\"").doesNotContain("\"a1\"");
    }

    @Test
    void sseRefusesBadRequestsWithProblemJson() {
        given().baseUri(base.toString()).get("/sse").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("bad_request"));
        given().baseUri(base.toString()).get("/sse?channel=Bad!").then().statusCode(400).body("code", equalTo("invalid_channel"));
        given().baseUri(base.toString()).get("/sse?channel=nope.x").then().statusCode(403).body("code", equalTo("forbidden"));
        given().baseUri(base.toString()).get("/sse?channel=user.alice").then().statusCode(401);
        given().baseUri(base.toString()).get("/sse?channel=recipes&access_token=bad").then().statusCode(401);
    }

    @Test
    void longPollAnswersAtOnceWithNewerEventsAndWaitsOtherwise() {
        String channel = Channels.unique("recipes");
        Published p1 = publish(channel, "one");
        publish(channel, "two");
        given().baseUri(base.toString()).get("/api/channels/" + channel + "/events?epoch=" + p1.epoch() + "&since=0&wait=5")
                .then().statusCode(200).body("recovered", equalTo(true)).body("offset", equalTo(2))
                .body("events", hasSize(2)).body("events[0].event.data", equalTo("one"));

        CompletableFuture.runAsync(() -> {
            sleep(700);
            publish(channel, "three");
        });
        long started = System.nanoTime();
        given().baseUri(base.toString()).get("/api/channels/" + channel + "/events?epoch=" + p1.epoch() + "&since=2&wait=10")
                .then().statusCode(200).body("offset", equalTo(3)).body("events", hasSize(1))
                .body("events[0].event.data", equalTo("three"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(9));

        given().baseUri(base.toString()).get("/api/channels/" + channel + "/events?epoch=" + p1.epoch() + "&since=3&wait=1")
                .then().statusCode(200).body("events", hasSize(0)).body("offset", equalTo(3));
        given().baseUri(base.toString()).get("/api/channels/" + channel + "/events?epoch=other&since=1&wait=1")
                .then().statusCode(200).body("recovered", equalTo(false)).body("epoch", equalTo(p1.epoch()));
        given().baseUri(base.toString()).get("/api/channels/" + channel + "/events?epoch=x&since=abc")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void longPollAnswersAtMostLimitEventsOldestFirstAndSaysWhenMoreRemain() {
        String channel = Channels.unique("prices"); // keeps 1000
        Published first = null;
        for (int i = 1; i <= 150; i++) {
            Published p = publish(channel, i);
            first = first == null ? p : first;
        }
        String events = "/api/channels/" + channel + "/events?epoch=" + first.epoch();
        // Default limit 100: the oldest 100, and the position to ask again from is the last one's.
        given().baseUri(base.toString()).get(events + "&since=0").then().statusCode(200)
                .body("recovered", equalTo(true)).body("more", equalTo(true)).body("offset", equalTo(100))
                .body("events", hasSize(100)).body("events[0].offset", equalTo(1)).body("events[99].offset", equalTo(100));
        given().baseUri(base.toString()).get(events + "&since=100&limit=30").then().statusCode(200)
                .body("more", equalTo(true)).body("offset", equalTo(130)).body("events", hasSize(30))
                .body("events[0].offset", equalTo(101));
        given().baseUri(base.toString()).get(events + "&since=130&limit=30").then().statusCode(200)
                .body("more", equalTo(false)).body("offset", equalTo(150)).body("events", hasSize(20))
                .body("events[19].event.data", equalTo(150));
        given().baseUri(base.toString()).get(events + "&since=0&limit=1000").then().statusCode(200)
                .body("more", equalTo(false)).body("events", hasSize(150));
        for (String bad : List.of("0", "-1", "1001", "abc", "2.5")) {
            given().baseUri(base.toString()).get(events + "&since=0&limit=" + bad).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("bad_request"))
                    .body("detail", startsWith("limit must be"));
        }
    }

    @Test
    void sseAndLongPollRefuseOriginsOutsideTheAllowListLikeTheWebSocket() {
        String channel = Channels.unique("recipes");
        // Refused before the channel is read (by the CORS filter for origins outside its list, which answers without a body).
        given().baseUri(base.toString()).header("Origin", "https://evil.example").get("/sse?channel=" + channel)
                .then().statusCode(403);
        given().baseUri(base.toString()).header("Origin", "https://evil.example").get("/api/channels/" + channel + "/events")
                .then().statusCode(403);
        given().baseUri(base.toString()).header("Origin", "http://localhost:3000").get("/api/channels/" + channel + "/events")
                .then().statusCode(200);
    }

    @Test
    void anSseStreamWhoseTokenExpiresEndsWithAnUnauthorizedErrorEvent() {
        String channel = "user.carol";
        Tokens.token("carol", 60); // the signer's first use can be slow on a loaded machine
        try (SseClient sse = SseClient.open(base, "channel=" + channel + "&access_token=" + Tokens.token("carol", 4), Map.of())) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.next().name()).isEqualTo("subscribed");
            SseClient.Event error = sse.next();
            assertThat(error.name()).isEqualTo("error");
            assertThat(error.data()).contains("\"op\":\"error\"").contains("\"code\":\"unauthorized\"");
            assertThat(sse.next()).isEqualTo(SseClient.END);
        }
        // The same expired token is refused on the next open, as the WebSocket upgrade refuses it.
        try (SseClient again = SseClient.open(base, "channel=" + channel + "&access_token=" + Tokens.token("carol", -5), Map.of())) {
            assertThat(again.status()).isEqualTo(401);
        }
    }

    @Test
    void aLongPollNeverWaitsPastItsTokensExpiry() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // Warm the client and the token signer first: on a loaded machine their first use alone can outlast a short token.
        http.send(HttpRequest.newBuilder(base.resolve("/api/channels/recipes/events")).build(), HttpResponse.BodyHandlers.ofString());
        Tokens.token("dave", 60);
        String path = "/api/channels/user.dave/events?epoch=&since=0&wait=20&access_token=" + Tokens.token("dave", 3);
        long started = System.nanoTime();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).doesNotContain("unauthorized");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"events\":[]");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        // Asked again with the token that expired meanwhile: refused, as the WebSocket would be.
        assertThat(http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
