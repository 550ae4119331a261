package io.heliograph.monitor.lifecycle;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Copies a failed record to {@code <topic>.dlq}: same key, value and headers, plus the headers
 * below (the names SmallRye's own dead-letter strategy uses). The returned Uni completes when the
 * broker has acknowledged the copy.
 */
@Singleton
public class DeadLetters {

    /** Suffix of the dead-letter topic of a topic. */
    public static final String SUFFIX = ".dlq";
    /** Why the record failed. */
    public static final String REASON = "dead-letter-reason";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** The monitor instance that failed it. */
    public static final String CONSUMER = "dead-letter-consumer";

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<String> emitter;

    public Uni<Void> send(ConsumerRecord<String, String> record, String error, String consumerId) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(REASON, bytes(error));
        headers.add(TOPIC, bytes(record.topic()));
        headers.add(PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(OFFSET, bytes(Long.toString(record.offset())));
        headers.add(CONSUMER, bytes(consumerId));
        OutgoingKafkaRecordMetadata<String> target = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic() + SUFFIX)
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        String value = record.value() == null ? "" : record.value();
        return emitter.sendMessage(Message.of(value, Metadata.of(target)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
