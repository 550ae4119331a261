package io.heliograph.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Records produced in the background at a steady pace, so a test can break something in the middle of the
 * stream; every tenth record fails validation. Remembers each acknowledged record by its log id
 * ({@code <topic>-<partition>-<offset>}) and whether it is a failing one, to check the monitor's counts.
 */
public final class Load implements AutoCloseable {

    private static final int FAIL_EVERY = 10;

    private final KafkaProducer<String, String> producer;
    private final Map<String, Boolean> acked = new ConcurrentHashMap<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final Thread thread;
    private volatile int limit;
    private volatile int sent;

    private Load(String bootstrap, String topic, int records, int perSecond) {
        this.limit = records;
        this.producer = Kafka.producer(bootstrap);
        this.thread = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < limit && !Thread.currentThread().isInterrupted(); i++, sent = i) {
                long due = start + TimeUnit.SECONDS.toNanos(i) / perSecond;
                LockSupport.parkNanos(due - System.nanoTime());
                boolean failing = i % FAIL_EVERY == 0;
                String value = failing ? "{\"id\":\"" + i + "\",\"amount\":\"n/a\"}" : "{\"id\":\"" + i + "\",\"amount\":" + i + "}";
                producer.send(new ProducerRecord<>(topic, "k" + i, value), (metadata, error) -> {
                    if (error != null) {
                        errors.incrementAndGet();
                    } else {
                        acked.put(metadata.topic() + "-" + metadata.partition() + "-" + metadata.offset(), failing);
                    }
                });
            }
            producer.flush();
        }, "test-load");
        thread.start();
    }

    /** Starts producing {@code records} records at {@code perSecond}. */
    public static Load start(String bootstrap, String topic, int records, int perSecond) {
        return new Load(bootstrap, topic, records, perSecond);
    }

    /** Starts producing at {@code perSecond} until {@link #stopAfter}. */
    public static Load untilStopped(String bootstrap, String topic, int perSecond) {
        return new Load(bootstrap, topic, Integer.MAX_VALUE, perSecond);
    }

    /** Sends {@code more} records after those sent so far, then stops; returns how many it sends in all. */
    public int stopAfter(int more) {
        limit = sent + more;
        return limit;
    }

    /** Records acknowledged so far. */
    public int acked() {
        return acked.size();
    }

    /** Waits until every record was sent and acknowledged or failed. */
    public void awaitSent(Duration wait) throws InterruptedException {
        thread.join(wait.toMillis());
        assertThat(thread.isAlive()).as("the producer is still sending").isFalse();
        assertThat(errors.get()).as("sends that failed").isZero();
        assertThat(acked).hasSize(limit);
    }

    /** The log ids of the acknowledged records. */
    public Set<String> logIds() {
        return acked.keySet();
    }

    /** What a monitor's {@code /api/stats} must say once every acknowledged record is done: exact counts. */
    public void assertCounted(JsonNode stats) {
        long failing = acked.values().stream().filter(f -> f).count();
        assertThat(stats.path("totalMessages").asLong()).as("totalMessages").isEqualTo(acked.size());
        assertThat(stats.path("processedMessages").asLong()).as("processedMessages").isEqualTo(acked.size() - failing);
        assertThat(stats.path("failedMessages").asLong()).as("failedMessages").isEqualTo(failing);
    }

    /** Every acknowledged record ended in exactly one terminal state, the one its content calls for. */
    public void assertOneTerminalStateEach(Frames frames) {
        // Pub/Sub frames reach this test's subscriber a little after the counts are in Redis.
        await().atMost(Duration.ofSeconds(60)).until(() -> frames.terminalStates().keySet().containsAll(acked.keySet()));
        Map<String, Set<String>> states = frames.terminalStates();
        assertThat(states.keySet()).as("records with a terminal state").containsAll(acked.keySet());
        acked.forEach((logId, failing) -> assertThat(states.get(logId)).as(logId)
                .containsExactly(failing ? "processing-failed" : "processing-completed"));
    }

    /** {@code finished == records} on the monitor's {@code /api/stats}. */
    public static long finished(JsonNode stats) {
        return stats.path("processedMessages").asLong() + stats.path("failedMessages").asLong();
    }

    @Override
    public void close() {
        thread.interrupt();
        producer.close(Duration.ofSeconds(10));
    }
}
