package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;

/**
 * The second end-to-end slice: a record produced to the real Kafka broker is consumed by
 * consumer-monitor-service and reaches a gateway WebSocket client as {@code message-received}.
 */
class KafkaToGatewayIT {

    @Test
    void aProducedRecordReachesABrowserAsMessageReceived() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it-transactions-" + suffix;
        try (ServiceProcess gateway = Services.start("gateway-service", "it-kafka-gateway", ServiceProcess.env());
                ServiceProcess monitor = Services.start("consumer-monitor-service", "it-monitor",
                        ServiceProcess.env("HELIOGRAPH_MONITOR_TOPICS", topic,
                                "HELIOGRAPH_MONITOR_GROUP_ID", "it-monitor-" + suffix,
                                "HELIOGRAPH_MONITOR_KEY_PREFIX", "it-monitor-" + suffix));
                WsClient browser = Services.ws(gateway)) {
            browser.next();
            assertThat(browser.subscribe("consumer.events").path("op").asText()).isEqualTo("subscribed");

            Properties props = new Properties();
            props.put("bootstrap.servers", ServiceProcess.KAFKA);
            props.put("key.serializer", StringSerializer.class.getName());
            props.put("value.serializer", StringSerializer.class.getName());
            RecordMetadata sent;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                sent = producer.send(new ProducerRecord<>(topic, "k1", "{\"id\":\"tx-1\",\"amount\":12.5}")).get();
            }
            JsonNode received = browser.await(f -> f.path("op").asText().equals("event")
                    && f.path("event").path("type").asText().equals("message-received")
                    && f.path("event").path("data").path("topic").asText().equals(topic));
            JsonNode data = received.path("event").path("data");
            assertThat(data.path("partition").asInt()).isEqualTo(sent.partition());
            assertThat(data.path("offset").asLong()).isEqualTo(sent.offset());
            assertThat(data.path("dataType").asText()).isEqualTo("SINGLE_MESSAGE");
            assertThat(data.path("rowCount").asInt()).isEqualTo(1);
        }
    }
}
