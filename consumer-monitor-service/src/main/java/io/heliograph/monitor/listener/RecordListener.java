package io.heliograph.monitor.listener;

import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.heliograph.monitor.lifecycle.RecordLifecycle;
import io.smallrye.mutiny.Uni;

/**
 * Consumes the configured topics ({@code mp.messaging.incoming.records.*}). Records are handled one
 * at a time, in order; a record is acknowledged, and its offset becomes committable, only when the
 * returned Uni completes, that is when its whole lifecycle is recorded.
 */
@Singleton
public class RecordListener {

    private final RecordLifecycle lifecycle;

    public RecordListener(RecordLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Incoming("records")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        return lifecycle.handle(record);
    }
}
