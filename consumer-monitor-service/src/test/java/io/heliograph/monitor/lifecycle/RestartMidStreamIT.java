package io.heliograph.monitor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Kafka;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.ServiceProcess;

/**
 * An instance killed (SIGKILL) in the middle of a stream, its uncommitted records redelivered to
 * the next instance of the group: every record finishes its lifecycle and is counted exactly once.
 */
class RestartMidStreamIT {

    private static final int RECORDS = 1500;
    private static final int FAILING = 150;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aRestartMidStreamCountsNothingTwice() throws Exception {
        MonitorRun run = MonitorRun.create(2);
        try (KafkaProducer<String, String> producer = Kafka.producer()) {
            for (int i = 0; i < RECORDS; i++) {
                String value = i % 10 == 0 ? "{\"id\":\"" + i + "\",\"amount\":\"n/a\"}" : "{\"id\":\"" + i + "\",\"amount\":" + i + "}";
                producer.send(new ProducerRecord<>(run.topic(), "k" + i, value));
            }
        }
        try (Frames events = Frames.subscribe(run.events())) {
            try (ServiceProcess first = run.start("it-first")) {
                await().atMost(WAIT).until(() -> finished(first) >= 200);
                first.kill();
            }
            long finishedByFirst;
            try (ServiceProcess second = run.start("it-second")) {
                finishedByFirst = terminalLogIds(events).size();
                await().atMost(WAIT).until(() -> finished(second) >= RECORDS);
                // Let any further (wrong) counts land before looking.
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                JsonNode stats = second.getJson("/api/stats");
                assertThat(stats.path("totalMessages").asLong()).isEqualTo(RECORDS);
                assertThat(stats.path("processedMessages").asLong()).isEqualTo(RECORDS - FAILING);
                assertThat(stats.path("failedMessages").asLong()).isEqualTo(FAILING);

                long redelivered = metric(second.getText("/q/metrics"), "redelivered");
                System.out.printf("restart mid-stream: %d records, %d finished before the kill, %d redelivered after it%n",
                        RECORDS, finishedByFirst, redelivered);
                assertThat(redelivered).as("records the killed instance finished but had not committed").isPositive();
            }
            Set<String> terminal = terminalLogIds(events);
            assertThat(terminal).hasSize(RECORDS);
            List<ConsumerRecord<String, String>> dlq = Kafka.read(run.topic() + ".dlq", FAILING, Duration.ofSeconds(60));
            assertThat(dlq.stream().map(r -> Kafka.header(r, "dead-letter-partition") + "/" + Kafka.header(r, "dead-letter-offset"))
                    .collect(Collectors.toSet())).hasSize(FAILING);
        }
    }

    private static long finished(ServiceProcess instance) {
        JsonNode stats = instance.getJson("/api/stats");
        return stats.path("processedMessages").asLong() + stats.path("failedMessages").asLong();
    }

    private static Set<String> terminalLogIds(Frames events) {
        return events.matching(f -> Set.of("processing-completed", "processing-failed").contains(Frames.type(f)))
                .stream().map(f -> f.path("event").path("data").path("logId").asText()).collect(Collectors.toSet());
    }

    private static long metric(String prometheus, String outcome) {
        Matcher m = Pattern.compile("(?m)^heliograph_monitor_records_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*\\} ([0-9.E+]+)$")
                .matcher(prometheus);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
