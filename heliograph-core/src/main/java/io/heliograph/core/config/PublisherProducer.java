package io.heliograph.core.config;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.RedisEventPublisher;
import io.vertx.mutiny.redis.client.Redis;

/** Wires the shared publish path into any Quarkus service that depends on this module. */
@ApplicationScoped
public class PublisherProducer {

    @Produces
    @Singleton
    Namespaces namespaces(HeliographConfig config) {
        Map<String, NamespacePolicy> policies = new HashMap<>();
        config.namespaces().forEach((name, ns) -> policies.put(name, new NamespacePolicy(name, ns.history(),
                ns.snapshot(), ns.presence(), ns.clientPublish(), ns.ownerOnly())));
        return new Namespaces(policies);
    }

    @Produces
    @Singleton
    EventPublisher publisher(Redis redis, Namespaces namespaces, ObjectMapper mapper, HeliographConfig config) {
        return new RedisEventPublisher(redis, namespaces, mapper, new RedisEventPublisher.Settings(
                config.channelTtl(), config.maxEnvelopeBytes(), config.sharded(), config.publishTimeout(),
                config.idempotencyTtl(), config.publishMaxInFlight()));
    }
}
