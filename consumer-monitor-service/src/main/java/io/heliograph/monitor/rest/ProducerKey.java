package io.heliograph.monitor.rest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

import io.heliograph.core.auth.BearerSecret;
import io.heliograph.monitor.config.MonitorConfig;

/** The credential of the producer endpoints. Thread-safe. */
@ApplicationScoped
public class ProducerKey {

    private final Optional<BearerSecret> key;

    public ProducerKey(MonitorConfig config) {
        this.key = config.producer().key().filter(k -> !k.isBlank()).map(BearerSecret::of);
    }

    /**
     * @throws ForbiddenException 403 when no key is configured (the API is off)
     * @throws NotAuthorizedException 401 when the header is missing or names another key
     */
    void check(String authorization) {
        BearerSecret expected = key.orElseThrow(() -> new ForbiddenException("the producer API is disabled on this "
                + "monitor: set HELIOGRAPH_MONITOR_PRODUCER_KEY (heliograph.monitor.producer.key) to enable it"));
        String presented = BearerSecret.presented(authorization).orElseThrow(
                () -> new NotAuthorizedException("send the producer key as 'Authorization: Bearer <key>'", "Bearer"));
        if (!expected.matches(presented)) {
            throw new NotAuthorizedException("unknown producer key", "Bearer");
        }
    }
}
