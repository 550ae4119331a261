package io.heliograph.monitor.listener;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.lifecycle.BatchLifecycle;
import io.heliograph.monitor.stats.ConsumerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Consumes the configured topics as one member of the consumer group, on a polling thread of its own.
 *
 * <p>Each poll's records of one partition are one batch. While a batch is being recorded its partition is
 * paused, so a partition's batches are recorded one after another, in offset order, while different partitions'
 * batches run at the same time. When a batch is recorded its offset is committed and the partition resumed.
 * So when Redis is slow or away the partitions stay paused: nothing more is fetched, memory holds at most one
 * batch per partition, and consumption resumes where it stopped once Redis answers; the group membership is
 * kept alive meanwhile (the poll goes on).
 *
 * <p>A rebalance waits up to {@code consumer.revoke-wait} for the batches of revoked partitions and commits
 * them, so the next owner starts after them; what it cannot wait for is redone by the next owner and still
 * counted once (see {@link BatchLifecycle}). Offsets are committed only for recorded batches.
 */
@Singleton
public class RecordConsumer {

    private static final Logger LOG = Logger.getLogger(RecordConsumer.class);
    /** Poll timeout while batches are in flight: how soon a recorded batch is committed and its partition resumed. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);
    private static final Duration BROKER_CALL = Duration.ofSeconds(2);

    private final BatchLifecycle lifecycle;
    private final ConsumerRegistry registry;
    private final MonitorConfig config;
    private final Map<String, Object> kafka;
    private final AtomicInteger recordsInFlight = new AtomicInteger();
    private final AtomicLong finished = new AtomicLong();
    private final LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
    // Touched by the polling thread only.
    private final Map<TopicPartition, Batch> inFlight = new HashMap<>();
    private final Map<TopicPartition, Long> marks = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    private KafkaConsumer<String, String> consumer;
    private long nextLagAt;
    private long lastLagAt;
    private long finishedAtLastLag;
    private volatile boolean running = true;
    private Thread thread;

    /** A batch being recorded. */
    private static final class Batch {
        final TopicPartition partition;
        final long firstOffset;
        final int size;
        Cancellable work;

        Batch(TopicPartition partition, long firstOffset, int size) {
            this.partition = partition;
            this.firstOffset = firstOffset;
            this.size = size;
        }
    }

    /** A batch that finished: recorded, or (only on a bug) failed for good. */
    private record Done(Batch batch, BatchLifecycle.Recorded recorded, Throwable failure) {
    }

    public RecordConsumer(BatchLifecycle lifecycle, ConsumerRegistry registry, MonitorConfig config, MeterRegistry meters,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.lifecycle = lifecycle;
        this.registry = registry;
        this.config = config;
        this.kafka = kafka;
        meters.gauge("heliograph.monitor.records.in.flight", recordsInFlight);
    }

    /** True while the polling thread runs (it ends only on shutdown or on an error it cannot recover from). */
    public boolean polling() {
        return running && thread != null && thread.isAlive();
    }

    void start(@Observes StartupEvent event) {
        thread = new Thread(this::run, "monitor-kafka-consumer");
        thread.start();
    }

    /** Stops polling, waits for the batches in flight (up to the revoke wait), commits them and leaves the group. */
    void stop(@Observes ShutdownEvent event) {
        running = false;
        try {
            thread.join(config.consumer().revokeWait().toMillis() + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "heliograph-monitor-" + registry.consumerId());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.consumer().maxPollRecords());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.consumer().sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.consumer().heartbeatInterval().toMillis());
        // Cooperative: a member joining or leaving moves only the partitions that change owner.
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        try {
            consumer = new KafkaConsumer<>(props);
            consumer.subscribe(config.topics(), new Rebalance());
            while (running) {
                poll();
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "the Kafka consumer of %s stopped", registry.consumerId());
        } finally {
            if (consumer != null) {
                // Runs onPartitionsRevoked: waits for the batches in flight and commits them.
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }
    }

    private void poll() {
        ConsumerRecords<String, String> records;
        try {
            records = consumer.poll(inFlight.isEmpty() ? config.consumer().pollTimeout() : IN_FLIGHT_POLL);
        } catch (KafkaException e) {
            LOG.warnf("poll failed, polling again: %s", e.getMessage());
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            dispatch(partition, records.records(partition));
        }
        Done next;
        while ((next = done.poll()) != null) {
            apply(next);
        }
        commit();
        measureLag();
    }

    private void dispatch(TopicPartition partition, List<ConsumerRecord<String, String>> records) {
        consumer.pause(List.of(partition));
        Batch batch = new Batch(partition, records.get(0).offset(), records.size());
        inFlight.put(partition, batch);
        recordsInFlight.addAndGet(records.size());
        Long mark = marks.get(partition);
        // Parsing and encoding run on a worker, so partitions are worked on in parallel and polling goes on.
        batch.work = lifecycle.handle(partition, records, mark)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .subscribe().with(recorded -> done.add(new Done(batch, recorded, null)),
                        failure -> done.add(new Done(batch, null, failure)));
    }

    /** Takes a finished batch into account: commit its offset, resume its partition. Ignores batches no longer held. */
    private void apply(Done finishedBatch) {
        Batch batch = finishedBatch.batch();
        if (inFlight.get(batch.partition) != batch) {
            return;
        }
        inFlight.remove(batch.partition);
        recordsInFlight.addAndGet(-batch.size);
        if (finishedBatch.recorded() != null) {
            BatchLifecycle.Recorded recorded = finishedBatch.recorded();
            marks.put(batch.partition, recorded.mark());
            toCommit.put(batch.partition, new OffsetAndMetadata(recorded.nextOffset()));
            finished.addAndGet(recorded.counted());
        } else {
            LOG.errorf(finishedBatch.failure(), "batch of %s at offset %d failed; fetching it again", batch.partition, batch.firstOffset);
            consumer.seek(batch.partition, batch.firstOffset);
        }
        consumer.resume(List.of(batch.partition));
    }

    private void commit() {
        if (toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(toCommit);
        toCommit.clear();
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error != null) {
                LOG.debugf("commit failed, retried with the next one: %s", error.getMessage());
                // Runs on this thread (inside poll): put back what no newer offset replaced.
                offsets.forEach((partition, offset) -> {
                    if (consumer.assignment().contains(partition)) {
                        toCommit.putIfAbsent(partition, offset);
                    }
                });
            }
        });
    }

    /** End offset minus committed offset of every held partition, with this instance's throughput, for the registry. */
    private void measureLag() {
        long now = System.currentTimeMillis();
        if (now < nextLagAt) {
            return;
        }
        double seconds = lastLagAt == 0 ? 1 : Math.max(1, now - lastLagAt) / 1000.0;
        lastLagAt = now;
        nextLagAt = now + Math.max(1, config.consumer().lagInterval().toMillis());
        Set<TopicPartition> held = consumer.assignment();
        Map<String, Long> lag = new LinkedHashMap<>();
        try {
            if (!held.isEmpty()) {
                Map<TopicPartition, Long> ends = consumer.endOffsets(held, BROKER_CALL);
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(held, BROKER_CALL);
                held.stream().sorted((a, b) -> a.toString().compareTo(b.toString())).forEach(partition -> {
                    OffsetAndMetadata at = committed.get(partition);
                    long end = ends.getOrDefault(partition, 0L);
                    lag.put(partition.toString(), Math.max(0, end - (at == null ? 0 : at.offset())));
                });
            }
        } catch (KafkaException e) {
            LOG.debugf("consumer lag not measured (broker unreachable?): %s", e.getMessage());
            return;
        }
        long total = finished.get();
        registry.load(lag, (total - finishedAtLastLag) / seconds);
        finishedAtLastLag = total;
    }

    /** Runs on the polling thread, inside poll. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            long deadline = System.nanoTime() + config.consumer().revokeWait().toNanos();
            while (partitions.stream().anyMatch(inFlight::containsKey) && System.nanoTime() < deadline) {
                try {
                    Done next = done.poll(50, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        apply(next);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach(p -> {
                OffsetAndMetadata offset = toCommit.remove(p);
                if (offset != null) {
                    offsets.put(p, offset);
                }
            });
            if (!offsets.isEmpty()) {
                try {
                    consumer.commitSync(offsets, BROKER_CALL);
                } catch (KafkaException e) {
                    LOG.warnf("offsets of revoked partitions not committed (the next owner redoes them, counting nothing twice): %s",
                            e.getMessage());
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(toCommit::remove);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                registry.partitionsAssigned(partitions.stream().map(TopicPartition::toString).toList());
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                Batch batch = inFlight.remove(partition);
                if (batch != null) {
                    batch.work.cancel();
                    recordsInFlight.addAndGet(-batch.size);
                    LOG.infof("%s moved while its batch at offset %d was not recorded yet: the next owner redoes it",
                            partition, batch.firstOffset);
                }
                // Another instance may record it meanwhile: read the mark again if it comes back.
                marks.remove(partition);
            }
            registry.partitionsRevoked(partitions.stream().map(TopicPartition::toString).toList());
        }
    }
}
