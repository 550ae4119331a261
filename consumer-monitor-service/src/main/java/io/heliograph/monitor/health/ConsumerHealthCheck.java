package io.heliograph.monitor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.heliograph.monitor.listener.RecordConsumer;

/** Alive only while the Kafka polling thread runs: without it the instance consumes nothing and should be restarted. */
@Liveness
@ApplicationScoped
public class ConsumerHealthCheck implements HealthCheck {

    private final RecordConsumer consumer;

    public ConsumerHealthCheck(RecordConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kafka-consumer").status(consumer.polling()).build();
    }
}
