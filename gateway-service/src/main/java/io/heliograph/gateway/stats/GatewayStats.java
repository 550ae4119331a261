package io.heliograph.gateway.stats;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.config.NodeId;
import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.websocket.Sessions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * This node's numbers: served at {@code /api/stats}, exported to Prometheus, and published every
 * second as {@code gateway-stats} on {@code system.gateways} (the fleet view).
 */
@ApplicationScoped
public class GatewayStats {

    private static final Logger LOG = Logger.getLogger(GatewayStats.class);

    private final NodeId node;
    private final Hub hub;
    private final Sessions sessions;
    private final EventPublisher publisher;
    private final long startedAt = System.currentTimeMillis();
    private long lastDeliveries;
    private long lastSample = System.nanoTime();
    private volatile double deliveriesPerSecond;

    public GatewayStats(NodeId node, Hub hub, Sessions sessions, EventPublisher publisher, MeterRegistry registry) {
        this.node = node;
        this.hub = hub;
        this.sessions = sessions;
        this.publisher = publisher;
        Gauge.builder("heliograph_gateway_connections", sessions, Sessions::count)
                .description("Open WebSocket connections").register(registry);
        Gauge.builder("heliograph_gateway_subscriptions", hub, Hub::subscriptionCount)
                .description("Channel subscriptions over all connections").register(registry);
        Gauge.builder("heliograph_gateway_channels", hub, Hub::channelCount)
                .description("Channels with local subscribers (Redis subscriptions)").register(registry);
        FunctionCounter.builder("heliograph_gateway_deliveries", hub, Hub::deliveries)
                .description("Frames fanned out to clients").register(registry);
        FunctionCounter.builder("heliograph_gateway_slow_consumer_closes", sessions, Sessions::slowConsumerCloses)
                .description("Connections closed with 4009").register(registry);
        FunctionCounter.builder("heliograph_gateway_rate_limit_hits", sessions, Sessions::rateLimitHits)
                .description("Commands refused as rate limited").register(registry);
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("node", node.value());
        stats.put("connectedClients", sessions.count());
        stats.put("subscriptions", hub.subscriptionCount());
        stats.put("channels", hub.channelCount());
        stats.put("deliveries", hub.deliveries());
        stats.put("deliveriesPerSecond", Math.round(deliveriesPerSecond * 10) / 10.0);
        stats.put("slowConsumerCloses", sessions.slowConsumerCloses());
        stats.put("rateLimitHits", sessions.rateLimitHits());
        stats.put("redisConnected", hub.brokerConnected());
        stats.put("draining", sessions.draining());
        stats.put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000);
        return stats;
    }

    @Scheduled(every = "${heliograph.gateway.stats-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publish() {
        synchronized (this) {
            long now = System.nanoTime();
            long deliveries = hub.deliveries();
            deliveriesPerSecond = (deliveries - lastDeliveries) * 1e9 / Math.max(1, now - lastSample);
            lastDeliveries = deliveries;
            lastSample = now;
        }
        if (!hub.brokerConnected()) {
            return;
        }
        publisher.publish("system.gateways", CloudEvent.of("/gateway-service", "gateway-stats", "gateway/" + node.value(), snapshot()))
                .subscribe().with(x -> { }, t -> LOG.debugf("gateway-stats not published: %s", t.getMessage()));
    }
}
