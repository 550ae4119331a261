package io.heliograph.monitor;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * Gives each test run its own topic (two partitions, created on the real broker), consumer group,
 * Redis key prefix and Heliograph channels, so parallel runs and other engineers' tests never
 * see each other's records, counters or frames. Fails when the broker is not reachable.
 */
public class MonitorTestResource implements QuarkusTestResourceLifecycleManager {

    /** The producer key of the test profile ({@code %test.heliograph.monitor.producer.key}). */
    public static final String PRODUCER_KEY = "test-producer-key";

    /** A request to the producer API with the test profile's key. */
    public static RequestSpecification producer() {
        return RestAssured.given().header("Authorization", "Bearer " + PRODUCER_KEY);
    }

    @Override
    public Map<String, String> start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "hm-test-" + run;
        Kafka.createTopic(topic, 2);
        return Map.of(
                "heliograph.monitor.topics", topic,
                "heliograph.monitor.group-id", "hm-test-group-" + run,
                "heliograph.monitor.key-prefix", "monitor-test-" + run,
                "heliograph.monitor.channels.events", "consumer.events-" + run,
                "heliograph.monitor.channels.stats", "consumer.stats-" + run,
                "heliograph.monitor.channels.status", "consumer.status-" + run,
                "heliograph.monitor.validation.required-fields", "id");
    }

    @Override
    public void stop() {
    }
}
