package io.heliograph.monitor.lifecycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Outcome;
import io.heliograph.core.publish.Publication;
import io.heliograph.monitor.config.Events;
import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.stats.ConsumerRegistry;
import io.heliograph.monitor.stats.LogEntry;
import io.heliograph.monitor.stats.StatsBroadcaster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The lifecycle of a batch of one partition's records: for each record {@code message-received},
 * {@code processing-started}, then {@code processing-completed} or {@code processing-failed} (a
 * failed record copied to the dead-letter topic first), every event's {@code data} carrying the
 * {@code timestamp} of its step.
 *
 * <p>One Redis round trip per batch: all its events go as one call of the publish script (several
 * events of one channel, each its own offset, in order), and the {@link ProgressStore} call that
 * counts the batch and moves the partition's mark is pipelined behind it on the same connection,
 * so Redis never counts a record before its events are published.
 *
 * <p>Delivery and counting. Kafka delivers at least once; a record at or below the partition's
 * mark is already done and is skipped (no event, no count). Counting is exactly once whatever
 * happens (the mark and the counts move in one atomic script). Events are effectively once: they
 * are published once per record unless a batch's outcome was lost in flight (Redis died or did not
 * answer within {@code heliograph.monitor.redis-reply-timeout}) or two instances briefly held the
 * same partition in a rebalance that outlasted {@code consumer.revoke-wait}; then a repeated event
 * keeps its CloudEvents id {@code <logId>:<step>} and its terminal state, so a client can drop it.
 *
 * <p>The returned Uni completes once the batch is recorded; only then is its offset committed. A
 * Redis or broker failure is retried with backoff until it succeeds (the partition stays paused
 * meanwhile); a bad record is never such a failure (it is FAILED), so it cannot stop the consumer.
 */
@Singleton
public class BatchLifecycle {

    private static final Logger LOG = Logger.getLogger(BatchLifecycle.class);

    /** Event id suffixes, one per step. */
    private static final String RECEIVED = "received";
    private static final String STARTED = "started";
    private static final String DONE = "done";

    /**
     * A recorded batch.
     *
     * @param nextOffset the offset to commit: one past the batch's last record
     * @param mark       the partition's mark after the batch
     * @param counted    records this batch counted (the others were redeliveries)
     */
    public record Recorded(TopicPartition partition, long nextOffset, long mark, int records, long counted) {
    }

    private final EventPublisher publisher;
    private final ProgressStore progress;
    private final RecordParser parser;
    private final RowValidator validator;
    private final DeadLetters deadLetters;
    private final ConsumerRegistry consumers;
    private final StatsBroadcaster stats;
    private final ObjectMapper mapper;
    private final MonitorConfig config;
    private final String channel;
    private final Counter processed;
    private final Counter failed;
    private final Counter redelivered;
    private final Counter roundTrips;

    public BatchLifecycle(EventPublisher publisher, ProgressStore progress, RecordParser parser, RowValidator validator,
            DeadLetters deadLetters, ConsumerRegistry consumers, StatsBroadcaster stats, ObjectMapper mapper,
            MeterRegistry meters, MonitorConfig config) {
        this.publisher = publisher;
        this.progress = progress;
        this.parser = parser;
        this.validator = validator;
        this.deadLetters = deadLetters;
        this.consumers = consumers;
        this.stats = stats;
        this.mapper = mapper;
        this.config = config;
        this.channel = config.channels().events();
        this.processed = meters.counter("heliograph.monitor.records", "outcome", "processed");
        this.failed = meters.counter("heliograph.monitor.records", "outcome", "failed");
        this.redelivered = meters.counter("heliograph.monitor.records", "outcome", "redelivered");
        this.roundTrips = meters.counter("heliograph.monitor.redis.round.trips");
    }

    /**
     * Records a batch of one partition, in offset order; retried until it is recorded.
     *
     * @param knownMark the partition's mark as this instance last recorded it, or null to read it from Redis
     */
    public Uni<Recorded> handle(TopicPartition partition, List<ConsumerRecord<String, String>> records, Long knownMark) {
        Attempts attempts = new Attempts(partition, records, knownMark, Instant.now());
        Duration initial = config.retryInitialBackoff();
        return Uni.createFrom().deferred(attempts::next)
                .onFailure().invoke(e -> LOG.warnf("batch of %s at offset %d (%d records) not recorded, retrying: %s",
                        partition, records.get(0).offset(), records.size(), e.getMessage()))
                .onFailure().retry().withBackOff(initial, config.retryMaxBackoff()).indefinitely();
    }

    /** The attempts of one batch; what an attempt learned decides what the next one sends. */
    private final class Attempts {

        final TopicPartition partition;
        final List<ConsumerRecord<String, String>> records;
        final Instant receivedAt;
        Long mark;
        /** Set when an attempt's count went through but some of its events did not: publish them regardless of the mark. */
        List<ConsumerRecord<String, String>> republish;

        Attempts(TopicPartition partition, List<ConsumerRecord<String, String>> records, Long knownMark, Instant receivedAt) {
            this.partition = partition;
            this.records = records;
            this.mark = knownMark;
            this.receivedAt = receivedAt;
        }

        Uni<Recorded> next() {
            // Read from Redis, the mark arrives on an event loop: the parsing and encoding that follow go to a worker.
            Uni<Long> markNow = mark != null ? Uni.createFrom().item(mark)
                    : progress.mark(partition).invoke(() -> roundTrips.increment()).emitOn(Infrastructure.getDefaultWorkerPool());
            // Not known after a failed attempt: it may have run in Redis after all.
            mark = null;
            return markNow.chain(this::attempt);
        }

        private Uni<Recorded> attempt(long markBefore) {
            List<ConsumerRecord<String, String>> fresh = republish != null ? republish
                    : records.stream().filter(r -> r.offset() > markBefore).toList();
            long next = records.get(records.size() - 1).offset() + 1;
            if (fresh.isEmpty()) {
                redelivered.increment(records.size());
                mark = markBefore;
                return Uni.createFrom().item(new Recorded(partition, next, markBefore, records.size(), 0));
            }
            List<Checked> checked = fresh.stream().map(this::check).toList();
            return deadLetter(checked).chain(() -> record(checked, next, markBefore));
        }

        private Checked check(ConsumerRecord<String, String> record) {
            DataType type = parser.detect(record.value(), header(record, "content-type"));
            ParsedRecord parsed = parser.parse(record.value(), type);
            return new Checked(record, RecordId.of(record.topic(), record.partition(), record.offset()), parsed,
                    validator.validate(parsed));
        }

        private Uni<Void> deadLetter(List<Checked> checked) {
            List<Uni<Void>> copies = checked.stream().filter(c -> c.error().isPresent())
                    .map(c -> deadLetters.send(c.record(), c.error().get(), consumers.consumerId())).toList();
            return copies.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(copies).andFailFast().replaceWithVoid();
        }

        private Uni<Recorded> record(List<Checked> checked, long next, long markBefore) {
            String consumerId = consumers.consumerId();
            String received = receivedAt.toString();
            String started = Instant.now().toString();
            List<Publication> events = new ArrayList<>(checked.size() * 3);
            List<ProgressStore.Entry> entries = new ArrayList<>(checked.size());
            int firstLogged = Math.max(0, checked.size() - config.recentLogs());
            for (int i = 0; i < checked.size(); i++) {
                Checked c = checked.get(i);
                String finished = Instant.now().toString();
                events.add(event(c.id(), RECEIVED, Events.MESSAGE_RECEIVED, ordered("logId", c.id().logId(), "topic", c.id().topic(),
                        "partition", c.id().partition(), "offset", c.id().offset(), "dataType", c.parsed().dataType().name(),
                        "rowCount", c.parsed().rowCount(), "timestamp", received,
                        "producedAt", Instant.ofEpochMilli(c.record().timestamp()).toString())));
                events.add(event(c.id(), STARTED, Events.PROCESSING_STARTED,
                        ordered("logId", c.id().logId(), "status", "PROCESSING", "timestamp", started)));
                events.add(c.error().isPresent()
                        ? event(c.id(), DONE, Events.PROCESSING_FAILED, ordered("logId", c.id().logId(), "consumerId", consumerId,
                                "status", "FAILED", "error", c.error().get(), "timestamp", finished))
                        : event(c.id(), DONE, Events.PROCESSING_COMPLETED, ordered("logId", c.id().logId(),
                                "consumerId", consumerId, "status", "PROCESSED", "timestamp", finished)));
                String log = i < firstLogged ? null : logEntry(c, consumerId, finished);
                entries.add(new ProgressStore.Entry(c.id().offset(), c.error().isEmpty(), log));
            }
            roundTrips.increment();
            return publisher.publishAllThen(events, List.of(progress.record(partition, entries)), config.redisReplyTimeout())
                    .map(result -> {
                        ProgressStore.Counted counted = ProgressStore.counted(result.replies().get(0));
                        mark = counted.mark();
                        List<ConsumerRecord<String, String>> unpublished = unpublished(checked, result.outcomes());
                        if (!unpublished.isEmpty()) {
                            // Counted, but these events are not out: the next attempt publishes them whatever the mark says.
                            republish = unpublished;
                            throw new IllegalStateException(unpublished.size() + " records counted but their events not published: "
                                    + firstRefusal(result.outcomes()));
                        }
                        if (counted.total() > 0) {
                            stats.changed();
                        }
                        processed.increment(counted.processed());
                        failed.increment(counted.failed());
                        redelivered.increment(records.size() - counted.total());
                        return new Recorded(partition, next, counted.mark(), records.size(), counted.total());
                    });
        }

        private Publication event(RecordId id, String step, String type, Map<String, Object> data) {
            return Publication.of(channel, CloudEvent.withId(id.logId() + ":" + step, Events.SOURCE, type, id.logId(), data));
        }

        private String logEntry(Checked c, String consumerId, String finished) {
            LogEntry entry = new LogEntry(c.id().logId(), c.id().topic(), c.id().partition(), c.id().offset(),
                    c.parsed().dataType().name(), c.parsed().rowCount(), c.error().isPresent() ? "FAILED" : "PROCESSED",
                    consumerId, c.error().orElse(null), finished);
            try {
                return mapper.writeValueAsString(entry);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A record read and validated. */
    private record Checked(ConsumerRecord<String, String> record, RecordId id, ParsedRecord parsed, Optional<String> error) {
    }

    /** The records with an event that did not get published (three events per record, in order). */
    private static List<ConsumerRecord<String, String>> unpublished(List<Checked> checked, List<Outcome> outcomes) {
        List<ConsumerRecord<String, String>> missing = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            if (!outcomes.get(3 * i).isPublished() || !outcomes.get(3 * i + 1).isPublished() || !outcomes.get(3 * i + 2).isPublished()) {
                missing.add(checked.get(i).record());
            }
        }
        return missing;
    }

    private static String firstRefusal(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.isPublished()).findFirst().map(o -> o.refusal().getMessage()).orElse("");
    }

    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
