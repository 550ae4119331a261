package io.heliograph.core.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.heliograph.core.config.HeliographConfig;
import io.heliograph.core.config.NodeId;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Publishes this process's own live metrics (CPU, heap, threads, its main counter) as
 * {@code process-metrics} on {@code metrics.<service>} every {@code heliograph.metrics.interval},
 * for the metrics dashboard. Best effort: a failed publish is skipped, never retried.
 */
@ApplicationScoped
public class ProcessMetricsPublisher {

    private static final Logger LOG = Logger.getLogger(ProcessMetricsPublisher.class);

    private final EventPublisher publisher;
    private final HeliographConfig config;
    private final Vertx vertx;
    private final Instance<MainCounter> counter;
    private final String service;
    private final String node;
    private long timer = -1;

    public ProcessMetricsPublisher(EventPublisher publisher, HeliographConfig config, Vertx vertx, Instance<MainCounter> counter,
            NodeId nodeId, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.publisher = publisher;
        this.config = config;
        this.vertx = vertx;
        this.counter = counter;
        this.service = service;
        this.node = nodeId.value();
    }

    void start(@Observes StartupEvent event) {
        if (config.metrics().enabled()) {
            timer = vertx.setPeriodic(config.metrics().interval().toMillis(), id -> publish());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One sample of this process. */
    public Map<String, Object> sample() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("service", service);
        data.put("node", node);
        double cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuLoad();
        }
        data.put("cpu", cpu < 0 ? null : Math.round(cpu * 1000) / 1000.0);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        data.put("heapUsedBytes", heap.getUsed());
        data.put("heapMaxBytes", heap.getMax());
        data.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        data.put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        if (counter.isResolvable()) {
            MainCounter main = counter.get();
            data.put("counter", Map.of("name", main.name(), "value", main.value()));
        } else {
            data.put("counter", Map.of("name", "published", "value", publisher.publishedCount()));
        }
        return data;
    }

    private void publish() {
        publisher.publish("metrics." + service, CloudEvent.of("/" + service, "process-metrics", "node/" + node, sample()))
                .subscribe().with(x -> { }, t -> LOG.debugf("process-metrics not published: %s", t.getMessage()));
    }
}
