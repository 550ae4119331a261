package io.heliograph.monitor.lifecycle;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.PublishException;
import io.heliograph.monitor.config.Events;
import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.stats.ConsumerRegistry;
import io.heliograph.monitor.stats.LogEntry;
import io.heliograph.monitor.stats.StatsBroadcaster;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The lifecycle of one Kafka record: {@code message-received}, {@code processing-started}, then
 * {@code processing-completed} or {@code processing-failed} (with the record copied to the
 * dead-letter topic), each published only after the previous one was.
 *
 * <p>Delivery and counting. Kafka delivers at least once, so the same record (topic, partition,
 * offset) may arrive again after a crash or rebalance. Each step is recorded in Redis right after
 * it took effect ({@link ProgressStore}); a redelivery skips the recorded steps and resumes at the
 * first missing one, so a lifecycle cut short by a crash is finished by whoever gets the record
 * next. Counts are made by the same atomic script that records their step, so nothing is counted
 * twice. Events are at least once: a crash between a publish and its record republishes that one
 * event, with the same CloudEvents id (ids are {@code <logId>:<step>}), which lets a client drop
 * the repeat. A fully done record is skipped without any event. The dead-letter copy is written
 * before FINISHED is recorded, so it may be repeated on redelivery too; its headers name the
 * original topic, partition and offset.
 *
 * <p>The returned Uni completes only when the whole lifecycle is recorded; the Kafka offset is
 * committed after that. If Redis or Kafka fail, the record is retried with backoff until it
 * succeeds; a bad record is never such a failure (it is FAILED), so it cannot stop the consumer.
 */
@Singleton
public class RecordLifecycle {

    private static final Logger LOG = Logger.getLogger(RecordLifecycle.class);

    private final EventPublisher publisher;
    private final ProgressStore progress;
    private final RecordParser parser;
    private final RowValidator validator;
    private final DeadLetters deadLetters;
    private final ConsumerRegistry consumers;
    private final StatsBroadcaster stats;
    private final MeterRegistry meters;
    private final MonitorConfig config;
    private final String channel;

    public RecordLifecycle(EventPublisher publisher, ProgressStore progress, RecordParser parser, RowValidator validator,
            DeadLetters deadLetters, ConsumerRegistry consumers, StatsBroadcaster stats, MeterRegistry meters,
            MonitorConfig config) {
        this.publisher = publisher;
        this.progress = progress;
        this.parser = parser;
        this.validator = validator;
        this.deadLetters = deadLetters;
        this.consumers = consumers;
        this.stats = stats;
        this.meters = meters;
        this.config = config;
        this.channel = config.channels().events();
    }

    /** Runs (or finishes) the lifecycle of a record; retried until it is recorded. */
    public Uni<Void> handle(ConsumerRecord<String, String> record) {
        return Uni.createFrom().deferred(() -> attempt(record))
                .onFailure().invoke(e -> LOG.warnf("lifecycle of %s-%d-%d not recorded, retrying: %s",
                        record.topic(), record.partition(), record.offset(), e.getMessage()))
                .onFailure(RecordLifecycle::retryable).retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely();
    }

    private Uni<Void> attempt(ConsumerRecord<String, String> record) {
        RecordId id = RecordId.of(record.topic(), record.partition(), record.offset());
        return progress.progress(id).chain(done -> {
            if (done.contains(Step.DONE)) {
                count("redelivered");
                return Uni.createFrom().voidItem();
            }
            DataType type = parser.detect(record.value(), header(record, "content-type"));
            ParsedRecord parsed = parser.parse(record.value(), type);
            return unless(done, Step.RECEIVED, () -> publish(id, Step.RECEIVED, Events.MESSAGE_RECEIVED, received(id, record, parsed))
                            .chain(() -> progress.recordReceived(id)).invoke(this::changed))
                    .chain(() -> unless(done, Step.STARTED, () -> publish(id, Step.STARTED, Events.PROCESSING_STARTED,
                            ordered("logId", id.logId(), "status", "PROCESSING"))
                            .chain(() -> progress.record(id, Step.STARTED))))
                    .chain(() -> finish(id, record, parsed, done));
        });
    }

    private Uni<Void> finish(RecordId id, ConsumerRecord<String, String> record, ParsedRecord parsed, Set<Step> done) {
        Optional<String> error = validator.validate(parsed);
        String consumerId = consumers.consumerId();
        Uni<Void> finished = unless(done, Step.FINISHED, () -> {
            LogEntry entry = new LogEntry(id.logId(), id.topic(), id.partition(), id.offset(), parsed.dataType().name(),
                    parsed.rowCount(), error.isPresent() ? "FAILED" : "PROCESSED", consumerId, error.orElse(null),
                    Instant.now().toString());
            Uni<Void> deadLetter = error.isPresent()
                    ? deadLetters.send(record, error.get(), consumerId)
                    : Uni.createFrom().voidItem();
            return deadLetter.chain(() -> progress.recordFinished(id, entry, error.isEmpty())).invoke(this::changed);
        });
        return finished.chain(() -> error.isPresent()
                ? publish(id, Step.DONE, Events.PROCESSING_FAILED,
                        ordered("logId", id.logId(), "status", "FAILED", "error", error.get()))
                : publish(id, Step.DONE, Events.PROCESSING_COMPLETED,
                        ordered("logId", id.logId(), "consumerId", consumerId, "status", "PROCESSED")))
                .chain(() -> progress.record(id, Step.DONE))
                .invoke(() -> count(error.isPresent() ? "failed" : "processed"))
                .replaceWithVoid();
    }

    private Map<String, Object> received(RecordId id, ConsumerRecord<String, String> record, ParsedRecord parsed) {
        return ordered("logId", id.logId(), "topic", id.topic(), "partition", id.partition(), "offset", id.offset(),
                "dataType", parsed.dataType().name(), "rowCount", parsed.rowCount(),
                "timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    }

    private Uni<Void> publish(RecordId id, Step step, String type, Map<String, Object> data) {
        return publisher.publish(channel, CloudEvent.withId(id.logId() + ":" + step.field(), Events.SOURCE, type, id.logId(), data))
                .replaceWithVoid();
    }

    private static Uni<Void> unless(Set<Step> done, Step step, Supplier<Uni<?>> action) {
        return done.contains(step) ? Uni.createFrom().voidItem() : action.get().replaceWithVoid();
    }

    private void changed(Boolean counted) {
        if (Boolean.TRUE.equals(counted)) {
            stats.changed();
        }
    }

    private void count(String outcome) {
        meters.counter("heliograph.monitor.records", "outcome", outcome).increment();
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

    /** Events this service builds are always valid, so only an unreachable or saturated Redis or broker is worth retrying. */
    private static boolean retryable(Throwable t) {
        return !(t instanceof PublishException p) || p.retryable();
    }
}
