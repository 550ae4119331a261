package io.heliograph.gateway.stats;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.core.metrics.MainCounter;
import io.heliograph.gateway.hub.Hub;

/** The gateway's headline number in its process metrics: frames fanned out to clients. */
@ApplicationScoped
public class DeliveriesCounter implements MainCounter {

    private final Hub hub;

    public DeliveriesCounter(Hub hub) {
        this.hub = hub;
    }

    @Override
    public String name() {
        return "deliveries";
    }

    @Override
    public long value() {
        return hub.deliveries();
    }
}
