package io.heliograph.monitor.lifecycle;

import static io.heliograph.monitor.MonitorTestResource.producer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Kafka;
import io.heliograph.monitor.MonitorTestResource;
import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.stats.MonitorStats;
import io.heliograph.monitor.stats.StatsStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Records produced to the real broker, their lifecycle observed as the frames a WebSocket client
 * would get (Redis Pub/Sub {@code hg:{consumer.events-<run>}}, forwarded byte for byte by the gateway).
 */
@QuarkusTest
@WithTestResource(MonitorTestResource.class)
class RecordLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    MonitorConfig config;

    @Inject
    BatchLifecycle lifecycle;

    @Inject
    StatsStore stats;

    @Test
    void jsonMessageGoesReceivedStartedCompletedInOrder() {
        try (Frames frames = Frames.subscribe(config.channels().events())) {
            JsonPath sent = produceSingle("{\"id\":\"tx-1\",\"amount\":12.5}");
            String logId = logId(sent);

            List<JsonNode> mine = awaitFrames(frames, logId, 3);
            assertThat(mine).extracting(Frames::type)
                    .containsExactly("message-received", "processing-started", "processing-completed");
            assertThat(mine).extracting(f -> f.path("offset").asLong()).isSorted().doesNotHaveDuplicates();
            JsonNode received = mine.get(0).path("event");
            assertThat(received.path("source").asText()).isEqualTo("/consumer-monitor-service");
            assertThat(received.path("data").path("topic").asText()).isEqualTo(topic());
            assertThat(received.path("data").path("offset").asLong()).isEqualTo(sent.getLong("offset"));
            assertThat(received.path("data").path("dataType").asText()).isEqualTo("SINGLE_MESSAGE");
            assertThat(received.path("data").path("rowCount").asInt()).isEqualTo(1);
            assertThat(received.path("data").path("timestamp").asText()).isNotBlank();
            assertThat(mine.get(1).path("event").path("data").path("status").asText()).isEqualTo("PROCESSING");
            assertThat(mine).allSatisfy(f -> assertThat(f.path("event").path("data").path("timestamp").asText()).isNotBlank());
            JsonNode completed = mine.get(2).path("event").path("data");
            assertThat(completed.path("status").asText()).isEqualTo("PROCESSED");
            assertThat(completed.path("consumerId").asText()).isNotBlank();
            assertThat(completed.path("logId").asText()).isEqualTo(logId);
        }
    }

    @Test
    void csvBatchIsOneRecordWithItsRowCount() {
        try (Frames frames = Frames.subscribe(config.channels().events())) {
            JsonPath sent = producer().contentType("text/csv").body("id,amount,currency\n1,10.5,EUR\n2,3,USD\n3,-7,EUR\n")
                    .post("/api/producers/send/csv?topic=" + topic())
                    .then().statusCode(202).extract().jsonPath();
            assertThat(sent.getString("dataType")).isEqualTo("CSV_BATCH");

            List<JsonNode> mine = awaitFrames(frames, logId(sent), 3);
            assertThat(mine.get(0).path("event").path("data").path("dataType").asText()).isEqualTo("CSV_BATCH");
            assertThat(mine.get(0).path("event").path("data").path("rowCount").asInt()).isEqualTo(3);
            assertThat(Frames.type(mine.get(2))).isEqualTo("processing-completed");
        }
    }

    @Test
    void failedRecordsGoToTheDeadLetterTopicAndLaterRecordsStillComplete() {
        try (Frames frames = Frames.subscribe(config.channels().events())) {
            String badAmount = logId(produceSingle("{\"id\":\"tx-2\",\"amount\":\"lots\"}"));
            String badRow = logId(producer().contentType("text/csv").body("id,value\n1,5\n,6\n")
                    .post("/api/producers/send/csv?topic=" + topic()).then().statusCode(202).extract().jsonPath());
            // Poison sent straight to Kafka, past the endpoint's checks: unreadable text and a tombstone.
            var poison = Kafka.send(topic(), "p", "{not json at all");
            var tombstone = Kafka.send(topic(), "t", null);
            String good = logId(produceSingle("{\"id\":\"tx-3\",\"value\":1}"));
            String poisonId = topic() + "-" + poison.partition() + "-" + poison.offset();
            String tombstoneId = topic() + "-" + tombstone.partition() + "-" + tombstone.offset();

            assertFailed(awaitFrames(frames, badAmount, 3), "field 'amount' is not numeric");
            assertFailed(awaitFrames(frames, badRow, 3), "row 2: missing required field 'id'");
            assertFailed(awaitFrames(frames, poisonId, 3), "malformed JSON");
            assertFailed(awaitFrames(frames, tombstoneId, 3), "no value");
            assertThat(awaitFrames(frames, good, 3)).extracting(Frames::type)
                    .containsExactly("message-received", "processing-started", "processing-completed");

            List<ConsumerRecord<String, String>> dlq = Kafka.read(topic() + ".dlq", 4, WAIT);
            List<String> reasons = dlq.stream()
                    .filter(r -> List.of(badAmount, badRow, poisonId, tombstoneId).contains(
                            topic() + "-" + Kafka.header(r, "dead-letter-partition") + "-" + Kafka.header(r, "dead-letter-offset")))
                    .map(r -> Kafka.header(r, "dead-letter-reason")).toList();
            assertThat(reasons).hasSize(4).anyMatch(r -> r.contains("not numeric")).anyMatch(r -> r.contains("malformed JSON"));
            assertThat(dlq).anyMatch(r -> "{not json at all".equals(r.value()) && "p".equals(r.key()));
        }
    }

    @Test
    void aRedeliveredBatchIsSkippedAndAnOverlappingOneCountsOnlyItsNewRecords() {
        // A topic nobody consumes, so the real consumer's marks are not touched.
        TopicPartition partition = new TopicPartition("hm-test-redelivery-" + System.nanoTime(), 0);
        List<ConsumerRecord<String, String>> first = List.of(record(partition, 0, "{\"id\":\"a\",\"amount\":1}"),
                record(partition, 1, "{\"id\":\"b\",\"amount\":\"x\"}"), record(partition, 2, "{\"id\":\"c\",\"amount\":3}"));
        List<ConsumerRecord<String, String>> overlapping = List.of(first.get(1), first.get(2),
                record(partition, 3, "{\"id\":\"d\",\"amount\":4}"));
        MonitorStats before = stats.read().await().atMost(WAIT);

        try (Frames frames = Frames.subscribe(config.channels().events())) {
            BatchLifecycle.Recorded recorded = lifecycle.handle(partition, first, null).await().atMost(WAIT);
            MonitorStats afterFirst = stats.read().await().atMost(WAIT);
            BatchLifecycle.Recorded again = lifecycle.handle(partition, first, null).await().atMost(WAIT);
            MonitorStats afterRedelivery = stats.read().await().atMost(WAIT);
            lifecycle.handle(partition, overlapping, null).await().atMost(WAIT);
            MonitorStats afterOverlap = stats.read().await().atMost(WAIT);

            assertThat(recorded.nextOffset()).isEqualTo(3);
            assertThat(recorded.counted()).isEqualTo(3);
            assertThat(again.counted()).isZero();
            assertThat(afterFirst.totalMessages()).isEqualTo(before.totalMessages() + 3);
            assertThat(afterFirst.processedMessages()).isEqualTo(before.processedMessages() + 2);
            assertThat(afterFirst.failedMessages()).isEqualTo(before.failedMessages() + 1);
            assertThat(afterRedelivery.totalMessages()).isEqualTo(afterFirst.totalMessages());
            assertThat(afterOverlap.totalMessages()).isEqualTo(afterFirst.totalMessages() + 1);
            assertThat(afterOverlap.processedMessages()).isEqualTo(afterFirst.processedMessages() + 1);
            await().atMost(WAIT).until(() -> frames.forLog(partition.topic() + "-0-3").size() == 3);
            for (int offset = 0; offset < 4; offset++) {
                List<JsonNode> mine = frames.forLog(partition.topic() + "-0-" + offset);
                assertThat(mine).extracting(Frames::type).as("offset " + offset).containsExactly("message-received",
                        "processing-started", offset == 1 ? "processing-failed" : "processing-completed");
                assertThat(mine).allSatisfy(f -> assertThat(Instant.parse(f.path("event").path("data").path("timestamp").asText()))
                        .isNotNull());
            }
        }
    }

    private static ConsumerRecord<String, String> record(TopicPartition partition, long offset, String value) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "k" + offset, value);
    }

    private void assertFailed(List<JsonNode> frames, String error) {
        assertThat(frames).extracting(Frames::type)
                .containsExactly("message-received", "processing-started", "processing-failed");
        JsonNode data = frames.get(2).path("event").path("data");
        assertThat(data.path("status").asText()).isEqualTo("FAILED");
        assertThat(data.path("error").asText()).contains(error);
    }

    private JsonPath produceSingle(String json) {
        return producer().contentType("application/json").body(json)
                .post("/api/producers/send/single?topic=" + topic())
                .then().statusCode(202).extract().jsonPath();
    }

    private String logId(JsonPath sent) {
        return sent.getString("topic") + "-" + sent.getInt("partition") + "-" + sent.getLong("offset");
    }

    private static List<JsonNode> awaitFrames(Frames frames, String logId, int count) {
        await().atMost(WAIT).until(() -> frames.forLog(logId).size() >= count);
        return frames.forLog(logId);
    }

    private String topic() {
        return config.topics().get(0);
    }
}
