package io.heliograph.gateway.websocket;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.protocol.CloseCodes;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.buffer.Buffer;

/**
 * Node-wide timers over every session: WebSocket pings (close after two unanswered), token expiry
 * (close 4001), and the drain on shutdown (close 1012 spread over {@code drain-window}).
 */
@ApplicationScoped
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);
    private static final Buffer PING = Buffer.buffer("hb");

    private final GatewayConfig config;
    private final Sessions sessions;
    private final Commands commands;

    public Heartbeats(GatewayConfig config, Sessions sessions, Commands commands) {
        this.config = config;
        this.sessions = sessions;
        this.commands = commands;
    }

    @Scheduled(every = "${heliograph.gateway.heartbeat:25s}", delayed = "${heliograph.gateway.heartbeat:25s}")
    void ping() {
        for (Session session : sessions.all()) {
            if (session.missedPongs >= 2) {
                commands.drop(session.connection.id());
                session.client.close(CloseCodes.GOING_AWAY);
                continue;
            }
            session.missedPongs++;
            session.connection.sendPing(PING).subscribe().with(x -> { }, x -> { });
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
