package io.heliograph.gateway.health;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.hub.EventLoops;
import io.quarkus.runtime.StartupEvent;

/**
 * Live only while every event loop keeps turning: each one stamps the time from a task it runs
 * every {@value #TICK_MILLIS} ms, and a loop whose stamp is older than {@code event-loop-stall-limit}
 * cannot make progress (blocked in a call, or starved), so the orchestrator should restart the node.
 * The check only reads the stamps, so it answers at once however loaded the node is.
 */
@Liveness
@ApplicationScoped
public class EventLoopLiveness implements HealthCheck {

    static final long TICK_MILLIS = 250;

    private final EventLoops loops;
    private final GatewayConfig config;
    private final AtomicLongArray lastTick;

    public EventLoopLiveness(EventLoops loops, GatewayConfig config) {
        this.loops = loops;
        this.config = config;
        this.lastTick = new AtomicLongArray(loops.size());
    }

    void start(@Observes StartupEvent event) {
        long now = System.nanoTime();
        for (int i = 0; i < loops.size(); i++) {
            int loop = i;
            lastTick.set(loop, now);
            loops.loop(loop).scheduleAtFixedRate(() -> lastTick.set(loop, System.nanoTime()),
                    TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public HealthCheckResponse call() {
        long now = System.nanoTime();
        long oldest = 0;
        for (int i = 0; i < lastTick.length(); i++) {
            oldest = Math.max(oldest, now - lastTick.get(i));
        }
        long oldestMillis = TimeUnit.NANOSECONDS.toMillis(oldest);
        return HealthCheckResponse.named("event-loops")
                .status(oldestMillis < config.eventLoopStallLimit().toMillis())
                .withData("eventLoops", lastTick.length())
                .withData("longestSinceLastTurnMs", oldestMillis)
                .build();
    }
}
