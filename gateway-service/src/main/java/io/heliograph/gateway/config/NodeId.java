package io.heliograph.gateway.config;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/** This gateway's name in the fleet: configured, or {@code gateway-} and a random suffix. */
@ApplicationScoped
public class NodeId {

    private final String value;

    public NodeId(io.heliograph.core.config.HeliographConfig config) {
        this.value = config.nodeId().filter(s -> !s.isBlank())
                .orElse("gateway-" + UUID.randomUUID().toString().substring(0, 4));
    }

    public String value() {
        return value;
    }
}
