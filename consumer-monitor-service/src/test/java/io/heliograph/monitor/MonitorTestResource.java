package io.heliograph.monitor;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives each test run its own topic (two partitions, created on the real broker), consumer group,
 * Redis key prefix and Heliograph channels, so parallel runs and other engineers' tests never
 * see each other's records, counters or frames. Fails when the broker is not reachable.
 */
public class MonitorTestResource implements QuarkusTestResourceLifecycleManager {

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
