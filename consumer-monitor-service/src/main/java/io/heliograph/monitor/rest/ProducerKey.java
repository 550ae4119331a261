package io.heliograph.monitor.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

import io.heliograph.core.auth.BearerKey;
import io.heliograph.monitor.config.MonitorConfig;

/** The credential of the producer endpoints. Thread-safe. */
@ApplicationScoped
public class ProducerKey {

    private final BearerKey key;

    public ProducerKey(MonitorConfig config) {
        this.key = BearerKey.required(config.producer().key(), "producer key", "the producer API is disabled on this "
                + "monitor: set HELIOGRAPH_MONITOR_PRODUCER_KEY (heliograph.monitor.producer.key) to enable it");
    }

    /**
     * @throws ForbiddenException 403 when no key is configured (the API is off)
     * @throws NotAuthorizedException 401 when the header is missing or names another key
     */
    void check(String authorization) {
        key.check(authorization);
    }
}
