package io.heliograph.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Published;
import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.Tokens;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/** The WebSocket protocol of PROTOCOL.md section 4 against the real Redis. */
@QuarkusTest
class GatewayEndpointTest {

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

    JsonNode subscribe(WsClient ws, String channel) {
        long id = ws.send(Map.of("op", "subscribe", "channel", channel));
        JsonNode reply = ws.reply(id);
        assertThat(reply.path("op").asText()).as(reply.toString()).isEqualTo("subscribed");
        return reply;
    }

    @Test
    void welcomesThenDeliversExactlyTheFrameStoredInHistory() {
        String channel = Channels.unique("recipes");
        try (WsClient ws = WsClient.connect(base)) {
            JsonNode welcome = ws.next();
            assertThat(welcome.path("op").asText()).isEqualTo("welcome");
            assertThat(welcome.path("protocol").asInt()).isEqualTo(1);
            assertThat(welcome.path("heartbeatMs").asLong()).isEqualTo(25000);
            assertThat(welcome.path("session").asText()).startsWith("s-");
            assertThat(welcome.path("node").asText()).isNotBlank();

            JsonNode subscribed = subscribe(ws, channel);
            assertThat(subscribed.path("offset").asLong()).isZero();
            assertThat(subscribed.path("recovered").asBoolean()).isFalse();
            assertThat(subscribed.get("snapshot").isNull()).isTrue();

            Published p = publish(channel, Map.of("title", "Phở"));
            String frame = ws.nextRaw();
            String stored = RedisAPI.api(redis).xrange(List.of("hg:{" + channel + "}:history", "-", "+"))
                    .await().atMost(WAIT).get(0).get(1).get(1).toString();
            assertThat(frame).isEqualTo(stored);
            assertThat(subscribed.path("epoch").asText()).isEmpty(); // never published: no epoch yet
            assertThat(p.epoch()).isNotEmpty();
        }
    }

    @Test
    void offsetsArriveInOrderWithoutGapsAndUnsubscribeStopsThem() {
        String channel = Channels.unique("recipes");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            subscribe(ws, channel);
            for (int i = 1; i <= 50; i++) {
                publish(channel, i);
            }
            for (int i = 1; i <= 50; i++) {
                JsonNode event = ws.next();
                assertThat(event.path("op").asText()).isEqualTo("event");
                assertThat(event.path("offset").asLong()).isEqualTo(i);
                assertThat(event.path("event").path("data").asInt()).isEqualTo(i);
            }
            // This node holds one Redis subscription for the channel, whatever its number of clients.
            assertThat(numsub(channel)).isEqualTo(1);
            long id = ws.send(Map.of("op", "unsubscribe", "channel", channel));
            assertThat(ws.reply(id).path("op").asText()).isEqualTo("unsubscribed");
            // The last local subscriber left: the node unsubscribes in Redis.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> numsub(channel) == 0);
            publish(channel, 51);
            assertThat(ws.drain(Duration.ofMillis(500))).isEmpty();
            long again = ws.send(Map.of("op", "unsubscribe", "channel", channel));
            assertThat(ws.reply(again).path("code").asText()).isEqualTo("not_subscribed");
        }
    }

    long numsub(String channel) {
        return RedisAPI.api(redis).pubsub(List.of("NUMSUB", "hg:{" + channel + "}")).await().atMost(WAIT).get(1).toLong();
    }

    @Test
    void presenceForgetsEntriesWhoseGatewayStoppedRefreshingThem() {
        String room = Channels.unique("chat");
        // What a crashed gateway leaves behind: an entry whose expiry has passed.
        RedisAPI.api(redis).zadd(List.of("hg:{" + room + "}:presence", Long.toString(System.currentTimeMillis() - 1000),
                "{\"session\":\"s-ghost\",\"user\":null}")).await().atMost(WAIT);
        try (WsClient ws = WsClient.connect(base); WsClient other = WsClient.connect(base)) {
            ws.next();
            other.next();
            subscribe(ws, room);
            subscribe(other, room);
            JsonNode presence = ws.reply(ws.send(Map.of("op", "presence", "channel", room)));
            assertThat(presence.path("count").asInt()).isEqualTo(2);
            assertThat(presence.path("clients").toString()).doesNotContain("s-ghost");
            assertThat(numsub(room)).isEqualTo(1);
        }
    }

    @Test
    void snapshotNamespacesSendTheLatestFrameOnSubscribe() {
        String channel = Channels.unique("crypto");
        publish(channel, "old");
        Published latest = publish(channel, "latest");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode subscribed = subscribe(ws, channel);
            assertThat(subscribed.path("offset").asLong()).isEqualTo(latest.offset());
            assertThat(subscribed.path("snapshot").path("offset").asLong()).isEqualTo(latest.offset());
            assertThat(subscribed.path("snapshot").path("event").path("data").asText()).isEqualTo("latest");
        }
    }

    @Test
    void everyBadCommandGetsAnErrorAndTheConnectionStaysOpen() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            ws.sendRaw("not json");
            assertThat(ws.next().path("code").asText()).isEqualTo("bad_request");
            ws.sendRaw("[1,2]");
            assertThat(ws.next().path("code").asText()).isEqualTo("bad_request");
            ws.sendBinary(new byte[] { 1, 2, 3 });
            assertThat(ws.next().path("code").asText()).isEqualTo("bad_request");
            ws.sendRaw("{\"op\":\"ping\"}");
            assertThat(ws.next().path("message").asText()).contains("id");
            assertThat(ws.reply(ws.send(Map.of("op", "dance"))).path("code").asText()).isEqualTo("unknown_op");
            assertThat(ws.reply(ws.send(Map.of("op", "subscribe"))).path("code").asText()).isEqualTo("bad_request");
            assertThat(ws.reply(ws.send(Map.of("op", "subscribe", "channel", "Bad Name"))).path("code").asText())
                    .isEqualTo("invalid_channel");
            assertThat(ws.reply(ws.send(Map.of("op", "subscribe", "channel", "nowhere.x"))).path("code").asText())
                    .isEqualTo("forbidden");
            assertThat(ws.reply(ws.send(Map.of("op", "subscribe", "channel", "recipes", "since", "yesterday")))
                    .path("code").asText()).isEqualTo("bad_request");
            assertThat(ws.reply(ws.send(Map.of("op", "publish", "channel", "recipes", "type", "x", "data", Map.of())))
                    .path("code").asText()).isEqualTo("forbidden");
            assertThat(ws.reply(ws.send(Map.of("op", "presence", "channel", "recipes"))).path("code").asText())
                    .isEqualTo("forbidden");
            assertThat(ws.reply(ws.send(Map.of("op", "history", "channel", "recipes", "limit", -1))).path("code").asText())
                    .isEqualTo("bad_request");
            assertThat(ws.reply(ws.send(Map.of("op", "auth", "access_token", "garbage"))).path("code").asText())
                    .isEqualTo("unauthorized");
            JsonNode pong = ws.reply(ws.send(Map.of("op", "ping")));
            assertThat(pong.path("op").asText()).isEqualTo("pong");
            assertThat(ws.isClosed()).isFalse();
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            ws.sendRaw("{\"op\":\"ping\",\"id\":1,\"pad\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void commandsAreRateLimitedAndSustainedAbuseClosesWith4008() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            for (int i = 0; i < 120; i++) {
                ws.sendRaw("{\"op\":\"ping\",\"id\":" + (i + 1) + "}");
            }
            List<JsonNode> frames = ws.drain(Duration.ofSeconds(2));
            long pongs = frames.stream().filter(f -> f.path("op").asText().equals("pong")).count();
            long limited = frames.stream().filter(f -> f.path("code").asText().equals("rate_limited")).count();
            assertThat(pongs).isBetween(40L, 45L);
            assertThat(limited).isGreaterThanOrEqualTo(20);
            assertThat(ws.awaitClose()).isEqualTo(4008);
        }
    }

    @Test
    void sustainedInvalidCommandsCloseWith1008() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            for (int i = 0; i < 19; i++) {
                ws.sendRaw("{\"op\":\"dance\",\"id\":" + i + "}");
            }
            assertThat(ws.drain(Duration.ofMillis(500))).hasSize(19).allMatch(f -> f.path("code").asText().equals("unknown_op"));
            // A valid command heals one strike, it does not forgive them all: two more and it is closed.
            assertThat(ws.reply(ws.send(Map.of("op", "ping"))).path("op").asText()).isEqualTo("pong");
            ws.sendRaw("not json");
            assertThat(ws.drain(Duration.ofMillis(500))).hasSize(1);
            ws.sendRaw("still not json");
            assertThat(ws.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void junkFramesCountAgainstTheCommandLimitBeforeTheyAreParsed() {
        // 60 KB of non-JSON as fast as the client can send: the limiter admits a burst, refuses the
        // rest unread, and the connection is closed; pings in between do not save it.
        String junk = "x".repeat(60_000);
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            int sent = 0;
            try {
                for (; sent < 200 && !ws.isClosed(); sent++) {
                    ws.sendRaw(junk);
                    if (sent % 10 == 0) {
                        ws.sendRaw("{\"op\":\"ping\",\"id\":" + sent + "}");
                    }
                }
            } catch (java.util.concurrent.CompletionException closedMeanwhile) {
                // the gateway closed the connection while frames were still going out
            }
            assertThat(ws.awaitClose()).isIn(1008, 4008);
            assertThat(sent).as("junk frames sent before the close").isLessThan(200);
        }
    }

    @Test
    void originsOutsideTheAllowListAreRefusedWith403() {
        assertThat(WsClient.upgradeStatus(base, "/ws", Map.of("Origin", "https://evil.example"))).isEqualTo(403);
        assertThat(WsClient.upgradeStatus(base, "/ws", Map.of("Origin", "http://localhost:3000"))).isEqualTo(101);
        assertThat(WsClient.upgradeStatus(base, "/ws", Map.of())).isEqualTo(101);
    }

    @Test
    void aDnsRebindingPageIsRefusedWhileTheGatewaysOwnPagesAreNot() throws Exception {
        // The attacker's name resolves to this gateway: Origin and Host agree, but name no host the gateway knows.
        String evil = "rebind.evil.example:" + base.getPort();
        assertThat(rawUpgrade(evil, "http://" + evil)).isEqualTo(403);
        String own = "localhost:" + base.getPort();
        assertThat(rawUpgrade(own, "http://" + own)).isEqualTo(101);
    }

    /** The status of a WebSocket upgrade with the Host header a browser would send (the JDK client cannot set it). */
    private int rawUpgrade(String host, String origin) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Origin: " + origin + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void invalidTokensAreRefusedWith401AndPrivateChannelsNeedTheirOwner() {
        assertThat(WsClient.upgradeStatus(base, "/ws?access_token=nonsense", Map.of())).isEqualTo(401);
        assertThat(WsClient.upgradeStatus(base, "/ws?access_token=" + Tokens.token("alice", -10), Map.of())).isEqualTo(401);
        assertThat(WsClient.upgradeStatus(base, "/ws?access_token=" + Tokens.tokenForOtherIssuer("alice"), Map.of()))
                .isEqualTo(401);
        // Minted for another service, or older than the maximum token age (24 h) although not expired.
        assertThat(WsClient.upgradeStatus(base, "/ws?access_token=" + Tokens.tokenForOtherAudience("alice"), Map.of()))
                .isEqualTo(401);
        assertThat(WsClient.upgradeStatus(base, "/ws?access_token=" + Tokens.tokenIssuedAgo("alice", 25 * 3600), Map.of()))
                .isEqualTo(401);
        try (WsClient alice = WsClient.connect(base, "/ws?access_token=" + Tokens.token("alice", 300), Map.of())) {
            alice.next();
            assertThat(alice.reply(alice.send(Map.of("op", "subscribe", "channel", "user.alice"))).path("op").asText())
                    .isEqualTo("subscribed");
            assertThat(alice.reply(alice.send(Map.of("op", "subscribe", "channel", "user.bob"))).path("code").asText())
                    .isEqualTo("forbidden");
            JsonNode authed = alice.reply(alice.send(Map.of("op", "auth", "access_token", Tokens.token("alice", 600))));
            assertThat(authed.path("op").asText()).isEqualTo("authed");
            assertThat(authed.path("expiresAt").asText()).isNotBlank();
            assertThat(alice.reply(alice.send(Map.of("op", "auth", "access_token", Tokens.token("mallory", 600))))
                    .path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void anExpiredTokenClosesWith4001() {
        try (WsClient ws = WsClient.connect(base, "/ws?access_token=" + Tokens.token("carol", 2), Map.of())) {
            ws.next();
            assertThat(ws.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void chatPublishingIsValidatedRateLimitedAndShowsPresence() {
        String room = Channels.unique("chat");
        try (WsClient alice = WsClient.connect(base); WsClient bob = WsClient.connect(base)) {
            String aliceSession = alice.next().path("session").asText();
            bob.next();
            subscribe(alice, room);
            subscribe(bob, room);
            JsonNode join = alice.await(f -> f.path("op").asText().equals("join")
                    && !f.path("client").path("session").asText().isEmpty());
            assertThat(join.path("channel").asText()).isEqualTo(room);

            JsonNode presence = bob.reply(bob.send(Map.of("op", "presence", "channel", room)));
            assertThat(presence.path("count").asInt()).isEqualTo(2);

            assertThat(alice.reply(alice.send(Map.of("op", "publish", "channel", room, "type", "chat-message",
                    "data", Map.of("name", "Alice", "text", "")))).path("code").asText()).isEqualTo("bad_request");
            assertThat(alice.reply(alice.send(Map.of("op", "publish", "channel", room, "type", "chat-message",
                    "data", Map.of("name", "A".repeat(51), "text", "hi")))).path("code").asText()).isEqualTo("bad_request");
            assertThat(alice.reply(alice.send(Map.of("op", "publish", "channel", room, "type", "chat-message",
                    "data", Map.of("name", "Alice", "text", "x".repeat(501))))).path("code").asText()).isEqualTo("bad_request");

            JsonNode published = alice.reply(alice.send(Map.of("op", "publish", "channel", room, "type", "chat-message",
                    "data", Map.of("name", "Alice", "text", "hi"))));
            assertThat(published.path("op").asText()).isEqualTo("published");
            JsonNode limited = alice.reply(alice.send(Map.of("op", "publish", "channel", room, "type", "chat-message",
                    "data", Map.of("name", "Alice", "text", "again"))));
            assertThat(limited.path("code").asText()).isEqualTo("rate_limited");

            JsonNode event = bob.await(f -> f.path("op").asText().equals("event"));
            assertThat(event.path("event").path("data").path("text").asText()).isEqualTo("hi");
            assertThat(event.path("offset").asLong()).isEqualTo(published.path("offset").asLong());

            JsonNode history = bob.reply(bob.send(Map.of("op", "history", "channel", room, "limit", 10)));
            assertThat(history.path("events")).hasSize(1);
            assertThat(history.path("events").get(0).path("event").path("data").path("text").asText()).isEqualTo("hi");

            alice.close();
            JsonNode leave = bob.await(f -> f.path("op").asText().equals("leave"));
            assertThat(leave.path("client").path("session").asText()).isEqualTo(aliceSession);
        }
    }

    @Test
    void theGatewayPublishesItsProcessMetricsAndFleetStats() {
        try (WsClient ws = WsClient.connect(base)) {
            String node = ws.next().path("node").asText();
            subscribe(ws, "metrics.gateway-service");
            subscribe(ws, "system.gateways");
            // Other gateways on this machine publish on the same channels: look at this one's.
            JsonNode metrics = ws.await(f -> f.path("event").path("type").asText().equals("process-metrics")
                    && f.path("event").path("data").path("node").asText().equals(node)).path("event").path("data");
            assertThat(metrics.path("service").asText()).isEqualTo("gateway-service");
            assertThat(metrics.path("heapUsedBytes").asLong()).isPositive();
            assertThat(metrics.path("threads").asInt()).isPositive();
            assertThat(metrics.path("counter").path("name").asText()).isEqualTo("deliveries");
            JsonNode stats = ws.await(f -> f.path("event").path("type").asText().equals("gateway-stats")
                    && f.path("event").path("data").path("node").asText().equals(node)).path("event").path("data");
            assertThat(stats.path("connectedClients").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.has("deliveriesPerSecond")).isTrue();
        }
    }

    @Test
    void prometheusMetricsCoverConnectionsDeliveriesLimitsAndRedisRoundTrips() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            subscribe(ws, Channels.unique("recipes"));
            String metrics = io.restassured.RestAssured.given().baseUri(base.toString()).get("/q/metrics").then()
                    .statusCode(200).extract().asString();
            assertThat(metrics).contains("heliograph_gateway_connections", "heliograph_gateway_subscriptions",
                    "heliograph_gateway_deliveries_total", "heliograph_gateway_slow_consumer_closes_total",
                    "heliograph_gateway_rate_limit_hits_total", "redis_commands_duration_seconds_count");
        }
    }

    @Test
    void statsCountConnectionsAndSubscriptions() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            subscribe(ws, Channels.unique("recipes"));
            io.restassured.RestAssured.given().baseUri(base.toString()).get("/api/stats").then().statusCode(200)
                    .body("connectedClients", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                    .body("subscriptions", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                    .body("node", org.hamcrest.Matchers.notNullValue());
        }
    }
}
