package io.heliograph.gateway.recovery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Published;
import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.SseClient;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * PROTOCOL.md section 3: readers never write. Whatever a client reads on channels nobody ever
 * published, Redis holds no key of them afterwards; their position is {"epoch":"","offset":0}, and
 * that position recovers everything published later.
 */
@QuarkusTest
class ReadersNeverWriteTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventPublisher publisher;

    @Inject
    Redis redis;

    Published publish(String channel, Object data) {
        return publisher.publish(channel, CloudEvent.of("/test", "test-event", null, data)).await().atMost(WAIT);
    }

    List<String> keysOf(String channel) {
        List<String> keys = new ArrayList<>();
        RedisAPI.api(redis).keys("hg:{" + channel + "}*").await().atMost(WAIT).forEach(k -> keys.add(k.toString()));
        return keys;
    }

    long existing(String channel) {
        String prefix = "hg:{" + channel + "}:";
        return RedisAPI.api(redis).exists(List.of(prefix + "epoch", prefix + "offset", prefix + "history", prefix + "presence"))
                .await().atMost(WAIT).toLong();
    }

    @Test
    void subscribeHistoryPresenceSseAndLongPollOnMadeUpChannelsCreateNoKey() {
        String subscribed = Channels.unique("recipes");
        String resumed = Channels.unique("crypto");
        String foreign = Channels.unique("prices");
        String historyRead = Channels.unique("consumer");
        String room = Channels.unique("chat");
        String streamed = Channels.unique("blogs");
        String resumedStream = Channels.unique("metrics");
        String polled = Channels.unique("recipes");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode reply = ws.reply(ws.send(Map.of("op", "subscribe", "channel", subscribed)));
            assertThat(reply.path("epoch").asText()).isEmpty();
            assertThat(reply.path("offset").asLong()).isZero();
            assertThat(reply.path("recovered").asBoolean()).isFalse();
            assertThat(reply.get("snapshot").isNull()).isTrue();
            reply = ws.reply(ws.send(Map.of("op", "subscribe", "channel", resumed, "since", Map.of("epoch", "", "offset", 0))));
            assertThat(reply.path("recovered").asBoolean()).isTrue();
            assertThat(reply.path("epoch").asText()).isEmpty();
            reply = ws.reply(ws.send(Map.of("op", "subscribe", "channel", foreign, "since", Map.of("epoch", "e-made-up", "offset", 5))));
            assertThat(reply.path("recovered").asBoolean()).isFalse();
            assertThat(reply.path("epoch").asText()).isEmpty();
            reply = ws.reply(ws.send(Map.of("op", "history", "channel", historyRead, "limit", 10)));
            assertThat(reply.path("epoch").asText()).isEmpty();
            assertThat(reply.path("events").size()).isZero();
            reply = ws.reply(ws.send(Map.of("op", "presence", "channel", room)));
            assertThat(reply.path("count").asInt()).isZero();
        }
        try (SseClient sse = SseClient.open(base, "channel=" + streamed, Map.of());
                SseClient again = SseClient.open(base, "channel=" + resumedStream, Map.of("Last-Event-ID", resumedStream + "@:0"))) {
            SseClient.Event first = sse.next();
            assertThat(first.name()).isEqualTo("subscribed");
            assertThat(first.id()).isEqualTo(streamed + "@:0");
            SseClient.Event resumedFirst = again.next();
            assertThat(resumedFirst.data()).contains("\"recovered\":true");
        }
        given().baseUri(base.toString()).get("/api/channels/" + polled + "/events").then().statusCode(200)
                .body("epoch", equalTo("")).body("offset", equalTo(0)).body("events", hasSize(0));
        given().baseUri(base.toString()).get("/api/channels/" + polled + "/events?epoch=&since=0&wait=1").then().statusCode(200)
                .body("epoch", equalTo("")).body("recovered", equalTo(true)).body("events", hasSize(0));
        given().baseUri(base.toString()).get("/api/channels/" + polled + "/events?epoch=made-up&since=3&wait=1").then().statusCode(200)
                .body("recovered", equalTo(false)).body("offset", equalTo(0));

        for (String channel : List.of(subscribed, resumed, foreign, historyRead, room, streamed, resumedStream, polled)) {
            assertThat(keysOf(channel)).as(channel).isEmpty();
            assertThat(existing(channel)).as(channel).isZero();
        }
    }

    @Test
    void aSubscriberThatHasSeenNothingRecoversEverythingPublishedAfter() {
        String channel = Channels.unique("consumer");
        try (WsClient early = WsClient.connect(base)) {
            early.next();
            JsonNode reply = early.reply(early.send(Map.of("op", "subscribe", "channel", channel,
                    "since", Map.of("epoch", "", "offset", 0))));
            assertThat(reply.path("recovered").asBoolean()).isTrue();
            Published p = null;
            for (int i = 1; i <= 3; i++) {
                p = publish(channel, i);
            }
            for (int i = 1; i <= 3; i++) {
                JsonNode event = early.next();
                assertThat(event.path("offset").asLong()).isEqualTo(i);
                assertThat(event.path("epoch").asText()).isEqualTo(p.epoch());
                assertThat(event.path("event").path("data").asInt()).isEqualTo(i);
            }
            assertThat(early.drain(Duration.ofMillis(300))).isEmpty();

            // Later clients that have seen nothing yet get the whole sequence from offset 1 too.
            try (WsClient late = WsClient.connect(base)) {
                late.next();
                reply = late.reply(late.send(Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", "", "offset", 0))));
                assertThat(reply.path("recovered").asBoolean()).isTrue();
                assertThat(reply.path("epoch").asText()).isEqualTo(p.epoch());
                assertThat(reply.path("offset").asLong()).isEqualTo(3);
                for (int i = 1; i <= 3; i++) {
                    assertThat(late.next().path("offset").asLong()).isEqualTo(i);
                }
            }
            given().baseUri(base.toString()).get("/api/channels/" + channel + "/events?epoch=&since=0").then().statusCode(200)
                    .body("recovered", equalTo(true)).body("epoch", equalTo(p.epoch())).body("offset", equalTo(3))
                    .body("events", hasSize(3)).body("events[0].offset", equalTo(1));
            try (SseClient sse = SseClient.open(base, "channel=" + channel, Map.of("Last-Event-ID", channel + "@:0"))) {
                assertThat(sse.next().data()).contains("\"recovered\":true");
                for (int i = 1; i <= 3; i++) {
                    assertThat(sse.next().data()).contains("\"offset\":" + i + ",");
                }
            }
        }
    }

    @Test
    void aGapAfterSubscribingBeforeTheFirstPublishIsFilledFromOffsetOne() {
        String channel = Channels.unique("recipes");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode reply = ws.reply(ws.send(Map.of("op", "subscribe", "channel", channel)));
            assertThat(reply.path("epoch").asText()).isEmpty();
            // The first publish whose Pub/Sub frame got lost (as across a Redis reconnect): in history only.
            String prefix = "hg:{" + channel + "}:";
            String frame = "{\"op\":\"event\",\"channel\":\"" + channel + "\",\"epoch\":\"elost\",\"offset\":1,\"event\":"
                    + "{\"specversion\":\"1.0\",\"id\":\"lost-1\",\"source\":\"/test\",\"type\":\"test-event\",\"data\":1}}";
            RedisAPI api = RedisAPI.api(redis);
            api.set(List.of(prefix + "epoch", "elost", "EX", "600")).await().atMost(WAIT);
            api.set(List.of(prefix + "offset", "1", "EX", "600")).await().atMost(WAIT);
            api.xadd(List.of(prefix + "history", "1-0", "frame", frame)).await().atMost(WAIT);
            Published second = publish(channel, 2);
            assertThat(second.epoch()).isEqualTo("elost");
            // The gateway sees offset 2 of a new epoch where it expected offset 1 and reads from offset 1.
            JsonNode first = ws.next();
            assertThat(first.path("offset").asLong()).isEqualTo(1);
            assertThat(first.path("event").path("id").asText()).isEqualTo("lost-1");
            assertThat(ws.next().path("offset").asLong()).isEqualTo(2);
            assertThat(ws.drain(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void aPresenceReadSkipsExpiredEntriesWithoutRemovingThem() {
        String room = Channels.unique("chat");
        String key = "hg:{" + room + "}:presence";
        RedisAPI.api(redis).zadd(List.of(key, Long.toString(System.currentTimeMillis() - 1000), "{\"session\":\"s-ghost\",\"user\":null}"))
                .await().atMost(WAIT);
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode presence = ws.reply(ws.send(Map.of("op", "presence", "channel", room)));
            assertThat(presence.path("count").asInt()).isZero();
            assertThat(RedisAPI.api(redis).zcard(key).await().atMost(WAIT).toLong()).as("the read removed nothing").isEqualTo(1);
        } finally {
            RedisAPI.api(redis).del(List.of(key)).await().atMost(WAIT);
        }
    }

    @Test
    void nothingSeenIsNotRecoveredOnceTheHistoryLostOffsetOne() {
        String channel = Channels.unique("system"); // keeps one frame
        publish(channel, 1);
        Published latest = publish(channel, 2);
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode reply = ws.reply(ws.send(Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", "", "offset", 0))));
            assertThat(reply.path("recovered").asBoolean()).isFalse();
            assertThat(reply.path("epoch").asText()).isEqualTo(latest.epoch());
            assertThat(reply.path("offset").asLong()).isEqualTo(2);
            assertThat(reply.path("snapshot").path("offset").asLong()).isEqualTo(2);
        }
    }
}
