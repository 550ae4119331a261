package io.heliograph.monitor.listener;

import java.util.Collection;

import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.heliograph.monitor.stats.ConsumerRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells the registry which partitions this instance holds after each rebalance, so
 * {@code consumer-status-changed} shows them. Runs on the Kafka polling thread; it only hands the
 * change over and returns.
 */
@Singleton
@Identifier(PartitionListener.NAME)
public class PartitionListener implements KafkaConsumerRebalanceListener {

    /** Referenced by {@code mp.messaging.incoming.records.consumer-rebalance-listener.name}. */
    public static final String NAME = "heliograph-monitor-partitions";

    private final ConsumerRegistry registry;

    public PartitionListener(ConsumerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        registry.partitionsAssigned(partitions.stream().map(TopicPartition::toString).toList());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        registry.partitionsRevoked(partitions.stream().map(TopicPartition::toString).toList());
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        registry.partitionsRevoked(partitions.stream().map(TopicPartition::toString).toList());
    }
}
