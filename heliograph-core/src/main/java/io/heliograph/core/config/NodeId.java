package io.heliograph.core.config;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This process's name in the fleet (gateway {@code welcome} and stats, process metrics): the
 * configured {@code heliograph.node-id} ({@code HELIOGRAPH_NODE_ID}), or the service name and a
 * random suffix.
 */
@ApplicationScoped
public class NodeId {

    private final String value;

    public NodeId(HeliographConfig config, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.value = config.nodeId().filter(s -> !s.isBlank())
                .orElse(service + "-" + UUID.randomUUID().toString().substring(0, 4));
    }

    public String value() {
        return value;
    }
}
