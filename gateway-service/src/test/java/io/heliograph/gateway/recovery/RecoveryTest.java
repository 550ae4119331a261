package io.heliograph.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Published;
import io.heliograph.gateway.support.Channels;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Subscribe with {@code since}: history and live frames merged with no gap and no duplicate. */
@QuarkusTest
class RecoveryTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventPublisher publisher;

    Published publish(String channel, Object data) {
        return publisher.publish(channel, CloudEvent.of("/test", "test-event", null, data)).await().atMost(WAIT);
    }

    @Test
    void aClientThatMissedFiveEventsGetsExactlyThoseInOrderThenLiveOnes() {
        String channel = Channels.unique("consumer");
        String epoch;
        long seen;
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            ws.reply(ws.send(Map.of("op", "subscribe", "channel", channel)));
            publish(channel, 1);
            publish(channel, 2);
            assertThat(ws.next().path("offset").asLong()).isEqualTo(1);
            JsonNode second = ws.next();
            assertThat(second.path("offset").asLong()).isEqualTo(2);
            // The position a client keeps is the last event's: the channel had no epoch at subscribe.
            epoch = second.path("epoch").asText();
            seen = 2;
        }
        for (int i = 3; i <= 7; i++) {
            publish(channel, i);
        }
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            ws.send(Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", epoch, "offset", seen)));
            JsonNode subscribed = ws.next();
            assertThat(subscribed.path("op").asText()).isEqualTo("subscribed");
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("offset").asLong()).isEqualTo(7);
            for (int i = 3; i <= 7; i++) {
                JsonNode event = ws.next();
                assertThat(event.path("op").asText()).isEqualTo("event");
                assertThat(event.path("offset").asLong()).isEqualTo(i);
                assertThat(event.path("event").path("data").asInt()).isEqualTo(i);
            }
            publish(channel, 8);
            assertThat(ws.next().path("offset").asLong()).isEqualTo(8);
            assertThat(ws.drain(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void recoveryRacingLivePublishesHasNoGapAndNoDuplicate() throws Exception {
        String channel = Channels.unique("consumer");
        Published first = publish(channel, 0);
        Thread publisherThread = new Thread(() -> {
            for (int i = 1; i <= 200; i++) {
                publish(channel, i);
            }
        });
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            publisherThread.start();
            ws.send(Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", first.epoch(), "offset", 1)));
            JsonNode subscribed = ws.next();
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            publisherThread.join();
            for (long expected = 2; expected <= 201; expected++) {
                assertThat(ws.next().path("offset").asLong()).isEqualTo(expected);
            }
            assertThat(ws.drain(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void aWrongEpochGivesRecoveredFalseAndTheSnapshot() {
        String channel = Channels.unique("crypto");
        publish(channel, "a");
        Published latest = publish(channel, "b");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode subscribed = ws.reply(ws.send(Map.of("op", "subscribe", "channel", channel,
                    "since", Map.of("epoch", "not-the-epoch", "offset", 1))));
            assertThat(subscribed.path("recovered").asBoolean()).isFalse();
            assertThat(subscribed.path("epoch").asText()).isEqualTo(latest.epoch());
            assertThat(subscribed.path("snapshot").path("offset").asLong()).isEqualTo(latest.offset());
            assertThat(ws.drain(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void aPositionOlderThanTheHistoryIsNotRecovered() {
        String channel = Channels.unique("system"); // keeps one frame
        Published first = publish(channel, 1);
        publish(channel, 2);
        publish(channel, 3);
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode subscribed = ws.reply(ws.send(Map.of("op", "subscribe", "channel", channel,
                    "since", Map.of("epoch", first.epoch(), "offset", 1))));
            assertThat(subscribed.path("recovered").asBoolean()).isFalse();
            assertThat(subscribed.path("snapshot").path("offset").asLong()).isEqualTo(3);
        }
    }

    @Test
    void aPositionTakenBeforeTheFirstPublishIsRecoverable() {
        String channel = Channels.unique("recipes");
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            JsonNode subscribed = ws.reply(ws.send(Map.of("op", "subscribe", "channel", channel)));
            assertThat(subscribed.path("offset").asLong()).isZero();
            assertThat(subscribed.path("epoch").asText()).isEmpty();
        }
        Published p = publish(channel, "first");
        assertThat(p.epoch()).isNotEmpty();
        try (WsClient ws = WsClient.connect(base)) {
            ws.next();
            ws.send(Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", "", "offset", 0)));
            JsonNode subscribed = ws.next();
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            assertThat(subscribed.path("epoch").asText()).isEqualTo(p.epoch());
            JsonNode event = ws.next();
            assertThat(event.path("offset").asLong()).isEqualTo(1);
            assertThat(event.path("epoch").asText()).isEqualTo(p.epoch());
        }
    }
}
