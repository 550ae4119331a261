package io.heliograph.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.RawWebSocket;
import io.heliograph.gateway.support.SmallLimits;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Connection-level limits, with small values so they are reached quickly. */
@QuarkusTest
@TestProfile(SmallLimits.class)
class LimitsTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventPublisher publisher;

    @Inject
    Sessions sessions;

    @Test
    void connectionsPerIpAreCapped() {
        List<WsClient> open = new ArrayList<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 0);
            for (int i = 0; i < 5; i++) {
                WsClient ws = WsClient.connect(base);
                ws.next();
                open.add(ws);
            }
            assertThat(WsClient.upgradeStatus(base, "/ws", Map.of())).isEqualTo(429);
            open.remove(0).close();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sessions.count() == 4);
            assertThat(WsClient.upgradeStatus(base, "/ws", Map.of())).isEqualTo(101);
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsWhatIsCounted() {
        List<WsClient> open = new ArrayList<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 0);
            // The test client connects from 127.0.0.1, inside the trusted range 127.0.0.0/8 of this profile.
            for (int i = 0; i < 5; i++) {
                WsClient ws = WsClient.connect(base, "/ws", Map.of("X-Forwarded-For", "203.0.113.7"));
                ws.next();
                open.add(ws);
            }
            assertThat(WsClient.upgradeStatus(base, "/ws", Map.of("X-Forwarded-For", "203.0.113.7"))).isEqualTo(429);
            assertThat(WsClient.upgradeStatus(base, "/ws", Map.of("X-Forwarded-For", "203.0.113.8"))).isEqualTo(101);
            // The right-most address that is not a proxy is the client: a forged left-most one changes nothing.
            assertThat(WsClient.upgradeStatus(base, "/ws", Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7")))
                    .isEqualTo(429);
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void subscriptionsPerConnectionAreCapped() {
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            for (int i = 0; i < 3; i++) {
                assertThat(ws.reply(ws.send(Map.of("op", "subscribe", "channel", Channels.unique("recipes"))))
                        .path("op").asText()).isEqualTo("subscribed");
            }
            assertThat(ws.reply(ws.send(Map.of("op", "subscribe", "channel", Channels.unique("recipes"))))
                    .path("code").asText()).isEqualTo("too_many_subscriptions");
        }
    }

    @Test
    void aClientThatAnswersNoPingsIsClosedAfterTwo() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 0);
        try (RawWebSocket silent = new RawWebSocket(base, 65536); WsClient polite = WsClient.connect(base)) {
            polite.next();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sessions.count() == 2);
            // Heartbeat 1 s: the silent one misses two pings and is closed; the polite one (auto-pong) stays.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 1);
            assertThat(polite.reply(polite.send(Map.of("op", "ping"))).path("op").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aClientThatNeverReadsIsClosedWith4009WhileOthersReceiveEverything() throws Exception {
        String channel = Channels.unique("recipes");
        String pad = "x".repeat(16_000);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 0);
        long slowBefore = sessions.slowConsumerCloses();
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        try (WsClient reader = WsClient.connect(base); RawWebSocket stalled = new RawWebSocket(base, 4096)) {
            reader.next();
            reader.reply(reader.send(Map.of("op", "subscribe", "channel", channel)));
            stalled.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + channel + "\"}");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> countSubscribers() == 2);
            int events = 600; // ~9.6 MB: far beyond the 256 KiB buffer plus the socket buffers
            // Paced so the reading client is never far behind: it must not look like a slow consumer
            // itself on a loaded machine; the stalled one falls behind regardless.
            int read = 0;
            for (int i = 1; i <= events; i++) {
                publisher.publish(channel, CloudEvent.of("/test", "bulk", null, Map.of("i", i, "pad", pad)))
                        .await().atMost(Duration.ofSeconds(10));
                if (i % 8 == 0 || i == events) {
                    while (read < i) {
                        JsonNode frame = reader.next();
                        assertThat(frame.path("offset").asLong()).isEqualTo(++read);
                    }
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sessions.slowConsumerCloses() > slowBefore);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sessions.count() == 1);
        }
        // The stalled client's queue was dropped: the heap comes back near where it started.
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() < baseline + 8 * 1024 * 1024;
        });
    }

    @Inject
    io.heliograph.gateway.hub.Hub hub;

    int countSubscribers() {
        return hub.subscriptionCount();
    }
}
