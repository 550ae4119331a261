package io.heliograph.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.websocket.Sessions;

/** Ready only while the Redis subscriber connection is up and the node is not draining. */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final Hub hub;
    private final Sessions sessions;

    public GatewayReadiness(Hub hub, Sessions sessions) {
        this.hub = hub;
        this.sessions = sessions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway")
                .status(hub.brokerConnected() && !sessions.draining())
                .withData("redisSubscriber", hub.brokerConnected())
                .withData("draining", sessions.draining())
                .build();
    }
}
