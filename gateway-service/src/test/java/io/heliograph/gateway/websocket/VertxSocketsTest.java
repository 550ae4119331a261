package io.heliograph.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.support.Channels;
import io.heliograph.testkit.WsClient;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * The internals the data plane reaches beneath websockets-next ({@link VertxSockets}), checked on a
 * live connection: a Quarkus or Vert.x upgrade that moves them fails here, and the frames written
 * past the WebSocket encoder still reach the client exactly as the publish script stored them, for
 * every length encoding of the frame header.
 */
@QuarkusTest
class VertxSocketsTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    OpenConnections connections;

    @Inject
    GatewayConfig config;

    @Inject
    EventPublisher publisher;

    @Inject
    Redis redis;

    @Test
    void everyConnectionHasTheVertxSocketNettyChannelAndEncoderTheDataPlaneWritesThrough() {
        try (WsClient ws = WsClient.connect(base)) {
            String session = ws.next().path("session").asText();
            Awaitility.await().atMost(WAIT).until(() -> connections.listAll().size() >= 1);
            for (WebSocketConnection connection : connections.listAll()) {
                Channel channel = VertxSockets.context(VertxSockets.of(connection)).channel();
                assertThat(channel.isActive()).isTrue();
                assertThat(VertxSockets.encoder(channel.pipeline()).handler().getClass().getName())
                        .startsWith("io.netty.handler.codec.http.websocketx.WebSocket");
                // Linux doubles what is asked for (bookkeeping overhead) and reports the doubled value.
                assertThat(channel.config().getOption(ChannelOption.SO_SNDBUF))
                        .isBetween(config.sendBufferBytes(), 2 * config.sendBufferBytes());
                // What the upgrade left is released once open (VertxSockets.releaseHandshake).
                assertThat(connection.handshakeRequest().headers()).as("handshake headers kept").isEmpty();
            }
            assertThat(ws.reply(ws.send(Map.of("op", "ping"))).path("op").asText()).as("a command after the release").isEqualTo("pong");
            assertThat(session).startsWith("s-");
        }
    }

    @Test
    void framesOfEveryHeaderLengthReachTheClientByteForByte() {
        String channel = Channels.unique("recipes");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            assertThat(ws.subscribe(channel).path("op").asText()).isEqualTo("subscribed");
            // Frames under 126 bytes, under 64 KiB and over it use 7-, 16- and 64-bit lengths.
            List<String> texts = List.of("é", "Phở ".repeat(100), "x".repeat(65_300));
            for (String text : texts) {
                publisher.publish(channel, CloudEvent.of("/test", "test-event", null, Map.of("t", text))).await().atMost(WAIT);
            }
            var stored = RedisAPI.api(redis).xrange(List.of("hg:{" + channel + "}:history", "-", "+")).await().atMost(WAIT);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(ws.nextRaw()).isEqualTo(stored.get(i).get(1).get(1).toString());
            }
            assertThat(stored.get(2).get(1).get(1).toBytes().length).as("a frame with a 64-bit length").isGreaterThan(65_535);
        }
    }
}
