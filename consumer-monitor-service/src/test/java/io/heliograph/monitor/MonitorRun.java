package io.heliograph.monitor;

import java.util.Map;
import java.util.UUID;

import io.heliograph.testkit.ServiceProcess;

/**
 * The names one IT run gives all its instances of the packaged service: its own topic, group,
 * Redis keys and channels, so a test can run several real group members and kill them for real.
 */
public record MonitorRun(String id, String topic, String bootstrap, String redisUrl) {

    /** A run on the shared broker and Redis. */
    public static MonitorRun create(int partitions) {
        return create(partitions, Kafka.BOOTSTRAP, Frames.REDIS);
    }

    /** A run on the given broker and Redis (a test's own {@code KafkaBroker} or {@code RedisServer}). */
    public static MonitorRun create(int partitions, String bootstrap, String redisUrl) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        MonitorRun run = new MonitorRun(id, "hm-it-" + id, bootstrap, redisUrl);
        Kafka.createTopic(bootstrap, run.topic(), partitions);
        return run;
    }

    /** Subscribes to this run's lifecycle events on its Redis. */
    public Frames subscribeEvents() {
        return Frames.subscribe(redisUrl, events());
    }

    public String events() {
        return "consumer.events-" + id;
    }

    public String status() {
        return "consumer.status-" + id;
    }

    /** Starts an instance named {@code consumerId} and waits until it is ready; its log is under target/it-logs. */
    public ServiceProcess start(String consumerId) {
        return ServiceProcess.of("consumer-monitor-service").name(consumerId)
                .log("it-logs/" + id + "-" + consumerId + ".log")
                .jvmArgs("-Xmx192m", "-XX:TieredStopAtLevel=1")
                .properties(Map.of("heliograph.monitor.consumer-id", consumerId))
                .properties(properties())
                .env(ServiceProcess.env("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "QUARKUS_REDIS_HOSTS", redisUrl))
                .missingJarHint("run the IT through mvn verify (after packaging)")
                .start();
    }

    private Map<String, String> properties() {
        return Map.of(
                "heliograph.monitor.topics", topic,
                "heliograph.monitor.group-id", "hm-it-group-" + id,
                "heliograph.monitor.key-prefix", "monitor-it-" + id,
                "heliograph.monitor.channels.events", events(),
                "heliograph.monitor.channels.stats", "consumer.stats-" + id,
                "heliograph.monitor.channels.status", status(),
                // A killed member must leave the group quickly, or the survivors wait 45 s for its partitions.
                "heliograph.monitor.consumer.session-timeout", "6s",
                "heliograph.monitor.consumer.heartbeat-interval", "1s");
    }
}
