package io.heliograph.gateway.websocket;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.protocol.CloseCodes;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Node-wide timers over every session: WebSocket pings (close after two unanswered), token expiry
 * (close 4001), and the drain on shutdown (close 1012 spread over {@code drain-window}).
 */
@ApplicationScoped
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);
    /** Every session is pinged once per heartbeat, in this many slices of it. */
    static final int SLICES = 25;

    private final GatewayConfig config;
    private final Sessions sessions;
    private final Commands commands;
    private final Vertx vertx;
    /** Confined to the timer's event loop. */
    private int tick;

    public Heartbeats(GatewayConfig config, Sessions sessions, Commands commands, Vertx vertx) {
        this.vertx = vertx;
        this.config = config;
        this.sessions = sessions;
        this.commands = commands;
    }

    /**
     * Pings go out in slices, each session in the same slice every time: pinging every session at
     * once puts one task, one write and one flush (a syscall) per connection on the event loops in
     * the same instant, a periodic burst in front of whatever fan-out is queued behind it.
     */
    void start(@Observes StartupEvent event) {
        long period = Math.max(1, config.heartbeat().toMillis() / SLICES);
        vertx.setPeriodic(config.heartbeat().toMillis(), period, id -> ping());
    }

    /** On the timer's event loop, one slice per call. */
    void ping() {
        int slice = tick;
        tick = (tick + 1) % SLICES;
        for (Session session : sessions.all()) {
            if (Math.floorMod(session.connection.id().hashCode(), SLICES) != slice) {
                continue;
            }
            if (session.missedPongs >= 2) {
                commands.drop(session.connection.id());
                session.client.close(CloseCodes.GOING_AWAY);
                continue;
            }
            session.missedPongs++;
            session.transport.ping();
        }
    }

    @Scheduled(every = "1s")
    void expireTokens() {
        for (Session session : sessions.expired(Instant.now())) {
            session.client.send(io.heliograph.gateway.protocol.Replies.error(null,
                    io.heliograph.gateway.protocol.ErrorCode.UNAUTHORIZED, "token expired"));
            session.client.close(CloseCodes.UNAUTHORIZED);
        }
    }

    /**
     * SIGTERM: readiness is already down (shutdown delay), so no new traffic is routed here; refuse
     * upgrades and close every client with 1012 in slices over the drain window, so the fleet is
     * not hit by every reconnect at once.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent event) throws InterruptedException {
        sessions.startDraining();
        var all = java.util.List.copyOf(sessions.all());
        if (all.isEmpty()) {
            return;
        }
        long window = config.drainWindow().toMillis();
        int slices = (int) Math.max(1, Math.min(Math.min(50, all.size()), window / 100));
        LOG.infof("draining %d connections over %d ms", all.size(), window);
        for (int i = 0; i < slices; i++) {
            int from = all.size() * i / slices;
            int to = all.size() * (i + 1) / slices;
            for (Session session : all.subList(from, to)) {
                session.client.close(CloseCodes.SERVICE_RESTART);
            }
            if (i < slices - 1) {
                Thread.sleep(window / slices);
            }
        }
        sessions.closeAll(CloseCodes.SERVICE_RESTART);
    }
}
