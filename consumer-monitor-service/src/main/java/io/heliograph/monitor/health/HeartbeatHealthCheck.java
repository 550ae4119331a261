package io.heliograph.monitor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.stats.ConsumerRegistry;

/**
 * Ready only while this instance's heartbeat reaches Redis: once it is older than the heartbeat
 * TTL the other instances declare this one INACTIVE, and so does this check.
 */
@Readiness
@ApplicationScoped
public class HeartbeatHealthCheck implements HealthCheck {

    private final ConsumerRegistry registry;
    private final long ttlMs;

    public HeartbeatHealthCheck(ConsumerRegistry registry, MonitorConfig config) {
        this.registry = registry;
        this.ttlMs = config.heartbeatTtl().toMillis();
    }

    @Override
    public HealthCheckResponse call() {
        long last = registry.lastHeartbeatOk();
        long age = System.currentTimeMillis() - last;
        return HealthCheckResponse.named("consumer-heartbeat")
                .status(last > 0 && age <= ttlMs)
                .withData("consumerId", registry.consumerId())
                .withData("lastHeartbeatMsAgo", last > 0 ? age : -1)
                .build();
    }
}
