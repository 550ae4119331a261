package io.heliograph.monitor.stats;

import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Kafka;
import io.heliograph.monitor.MonitorTestResource;
import io.heliograph.monitor.config.MonitorConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A burst of records yields a handful of {@code stats-updated} frames, the last one with the final numbers. */
@QuarkusTest
@WithTestResource(MonitorTestResource.class)
class StatsCoalescingTest {

    private static final int BURST = 1000;
    private static final int FAILING = 100;

    @Inject
    MonitorConfig config;

    @Inject
    StatsStore stats;

    @Test
    void aBurstIsCoalescedAndTheLastFrameCarriesTheFinalCounts() throws Exception {
        MonitorStats before = stats.read().await().atMost(Duration.ofSeconds(10));
        try (Frames frames = Frames.subscribe(config.channels().stats());
                KafkaProducer<String, String> producer = Kafka.producer()) {
            for (int i = 0; i < BURST; i++) {
                String value = i < FAILING ? "{\"id\":\"b" + i + "\"}" : "{\"id\":\"b" + i + "\",\"amount\":" + i + "}";
                producer.send(new ProducerRecord<>(config.topics().get(0), "k" + i, value));
            }
            producer.flush();

            long expectedProcessed = before.processedMessages() + BURST - FAILING;
            long expectedFailed = before.failedMessages() + FAILING;
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                List<JsonNode> all = frames.all();
                if (all.isEmpty()) {
                    return false;
                }
                JsonNode last = all.get(all.size() - 1).path("event").path("data");
                return last.path("processedMessages").asLong() == expectedProcessed
                        && last.path("failedMessages").asLong() == expectedFailed;
            });

            List<JsonNode> burst = frames.all();
            JsonNode last = burst.get(burst.size() - 1).path("event");
            assertThat(last.path("type").asText()).isEqualTo("stats-updated");
            assertThat(last.path("data").path("totalMessages").asLong()).isEqualTo(before.totalMessages() + BURST);
            assertThat(last.path("data").path("activeConsumers").asLong()).isEqualTo(1);

            // Coalescing: no two frames within one stats interval, so a burst of 1000 records
            // gives a frame count bounded by the burst's duration, not by the number of records.
            long first = eventTime(burst.get(0));
            long end = eventTime(burst.get(burst.size() - 1));
            long interval = config.statsInterval().toMillis();
            assertThat(burst.size()).isLessThanOrEqualTo((int) ((end - first) / interval) + 2).isLessThan(BURST / 10);
            System.out.printf("stats frames for a burst of %d records: %d over %d ms%n", BURST, burst.size(), end - first);

            assertThat(get("/api/stats").then().statusCode(200).extract().jsonPath().getLong("processedMessages"))
                    .isEqualTo(expectedProcessed);
        }
    }

    private static long eventTime(JsonNode frame) {
        return Instant.parse(frame.path("event").path("time").asText()).toEpochMilli();
    }
}
