package io.heliograph.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Publication;
import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.RawWebSocket;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The node-wide outbound bound ({@link OutboundMemory}) closes the client that stopped reading, never the ones that read. */
@QuarkusTest
@TestProfile(OutboundBoundTest.SmallNodeBound.class)
class OutboundBoundTest {

    /**
     * A node bound of 160 KiB and 4 KiB socket buffers. A reader may still hold a whole burst
     * (40 KiB) after its flush, since the kernel takes only its small buffer at once; three
     * readers together stay under the bound, the stalled client alone passes it by the fourth burst.
     * (A bound below one burst would close readers too, and rightly: they would hold more than it.)
     */
    public static class SmallNodeBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("heliograph.gateway.outbound-node-bytes", "163840",
                    "heliograph.gateway.send-buffer-bytes", "4096");
        }
    }

    private static final int READERS = 3;
    private static final int BURSTS = 10;
    /** Events published in one round trip: they reach the gateway in one Redis read, and every subscriber gets them in one turn. */
    private static final int BURST = 20;

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventPublisher publisher;

    @Inject
    Hub hub;

    @Inject
    OutboundMemory memory;

    @Test
    void burstsReachTheBoundAndOnlyTheClientThatStoppedReadingIsClosed() throws Exception {
        String channel = Channels.unique("recipes");
        String pad = "x".repeat(2_000);
        long closesBefore = memory.closes();
        List<WsClient> readers = new ArrayList<>();
        // Subscribed first, so it is ahead of the readers in every fan-out and every end-of-turn flush:
        // when its flush takes the node over the bound, the readers' frames of the same burst are
        // still unflushed, which a pass that looked at the live queues counted against them.
        try (RawWebSocket stalled = new RawWebSocket(base, 4096)) {
            stalled.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + channel + "\"}");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> hub.subscriptionCount() == 1);
            for (int i = 0; i < READERS; i++) {
                WsClient reader = WsClient.connect(base);
                readers.add(reader);
                reader.next();
                reader.subscribe(channel);
            }
            long offset = 0;
            for (int b = 0; b < BURSTS; b++) {
                List<Publication> burst = new ArrayList<>();
                for (int i = 0; i < BURST; i++) {
                    burst.add(Publication.of(channel, CloudEvent.of("/test", "bulk", null, Map.of("i", offset + i, "pad", pad))));
                }
                publisher.publishAll(burst).await().atMost(Duration.ofSeconds(10));
                offset += BURST;
                for (WsClient reader : readers) {
                    for (long expected = offset - BURST + 1; expected <= offset; expected++) {
                        assertThat(reader.await(f -> "event".equals(f.path("op").asText())).path("offset").asLong())
                                .as("offset read by a reader").isEqualTo(expected);
                    }
                }
            }
            // 200 frames of ~2 KB: far over the 160 KiB node bound for the client that reads nothing.
            assertThat(memory.closes() - closesBefore).as("closed by the node bound").isEqualTo(1);
            assertThat(stalled.readUntilClosed(10_000)).as("how the stalled client's connection ended").isIn(4009, 1006);
            for (WsClient reader : readers) {
                assertThat(reader.isClosed()).as("a reader closed").isFalse();
            }
        } finally {
            readers.forEach(WsClient::close);
        }
    }
}
