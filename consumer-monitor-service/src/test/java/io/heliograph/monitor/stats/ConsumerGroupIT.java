package io.heliograph.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Kafka;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.ServiceProcess;

/**
 * Real group members: packaged instances as child processes sharing one consumer group on the
 * real broker, their status observed on {@code hg:{consumer.status-<run>}} and {@code /api/consumers}.
 */
class ConsumerGroupIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void twoInstancesSharePartitionsAndAStoppedOrDeadOneTurnsInactive() throws Exception {
        MonitorRun run = MonitorRun.create(2);
        try (Frames status = Frames.subscribe(run.status());
                Frames events = Frames.subscribe(run.events());
                ServiceProcess a = run.start("it-a");
                ServiceProcess b = run.start("it-b")) {

            // Both listed ACTIVE, each holding one of the two partitions.
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode consumers = a.getJson("/api/consumers");
                assertThat(consumers).hasSize(2);
                for (JsonNode c : consumers) {
                    assertThat(c.path("status").asText()).isEqualTo("ACTIVE");
                    assertThat(c.path("partitions")).hasSize(1);
                }
                assertThat(partitions(consumers)).containsExactlyInAnyOrder(run.topic() + "-0", run.topic() + "-1");
                assertThat(b.getJson("/api/stats").path("activeConsumers").asInt()).isEqualTo(2);
            });
            assertThat(statusesOf(status, "it-a")).contains("ACTIVE");
            assertThat(statusesOf(status, "it-b")).contains("ACTIVE");

            // Records of both partitions are processed, by both members.
            try (KafkaProducer<String, String> producer = Kafka.producer()) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(run.topic(), i % 2, "k" + i, "{\"id\":\"" + i + "\",\"amount\":" + i + "}"));
                }
            }
            await().atMost(WAIT).until(() -> completed(events).size() >= 20);
            assertThat(completed(events).stream().map(f -> f.path("event").path("data").path("consumerId").asText())
                    .collect(Collectors.toSet())).containsExactlyInAnyOrder("it-a", "it-b");

            // Killed: no goodbye; its heartbeat expires and the survivor announces it, then takes its partition.
            b.kill();
            await().atMost(WAIT).until(() -> statusesOf(status, "it-b").contains("INACTIVE"));
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(consumer(a, "it-b").path("status").asText()).isEqualTo("INACTIVE");
                assertThat(consumer(a, "it-a").path("partitions")).hasSize(2);
                assertThat(a.getJson("/api/stats").path("activeConsumers").asInt()).isEqualTo(1);
            });

            // Stopped gracefully: it announces INACTIVE itself on the way out.
            try (ServiceProcess c = run.start("it-c")) {
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(consumer(a, "it-c").path("status").asText()).isEqualTo("ACTIVE"));
                c.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> statusesOf(status, "it-c").contains("INACTIVE"));
                assertThat(consumer(a, "it-c").path("status").asText()).isEqualTo("INACTIVE");
            }
        }
    }

    private static java.util.List<JsonNode> completed(Frames events) {
        return events.matching(f -> "processing-completed".equals(Frames.type(f)));
    }

    private static java.util.List<String> statusesOf(Frames status, String consumerId) {
        return status.matching(f -> consumerId.equals(f.path("event").path("data").path("consumerId").asText()))
                .stream().map(f -> f.path("event").path("data").path("status").asText()).toList();
    }

    private static JsonNode consumer(ServiceProcess from, String consumerId) {
        for (JsonNode c : from.getJson("/api/consumers")) {
            if (consumerId.equals(c.path("consumerId").asText())) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static Set<String> partitions(JsonNode consumers) {
        Set<String> all = new HashSet<>();
        StreamSupport.stream(consumers.spliterator(), false).forEach(c -> c.path("partitions").forEach(p -> all.add(p.asText())));
        return all;
    }
}
