package io.heliograph.gateway.websocket;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.protocol.CloseCodes;

/**
 * Every open WebSocket session of this node, by connection id, plus the counters the stats and
 * metrics report (the per-IP cap of every transport is {@link io.heliograph.gateway.limit.ConnectionCap}).
 * Thread-safe.
 */
@ApplicationScoped
public class Sessions {

    private final Map<String, Session> byConnection = new ConcurrentHashMap<>();
    private final AtomicLong slowConsumerCloses = new AtomicLong();
    private final AtomicLong rateLimitHits = new AtomicLong();
    private volatile boolean draining;

    void add(String connectionId, Session session) {
        byConnection.put(connectionId, session);
    }

    Session get(String connectionId) {
        return byConnection.get(connectionId);
    }

    Session remove(String connectionId) {
        return byConnection.remove(connectionId);
    }

    Collection<Session> all() {
        return byConnection.values();
    }

    public int count() {
        return byConnection.size();
    }

    void slowConsumerClosed() {
        slowConsumerCloses.incrementAndGet();
    }

    void rateLimited() {
        rateLimitHits.incrementAndGet();
    }

    public long slowConsumerCloses() {
        return slowConsumerCloses.get();
    }

    public long rateLimitHits() {
        return rateLimitHits.get();
    }

    public boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }

    /** Sessions whose token expired by {@code now}. */
    List<Session> expired(Instant now) {
        return byConnection.values().stream().filter(s -> s.expiresAt != null && !s.expiresAt.isAfter(now)).toList();
    }

    void closeAll(CloseCodes code) {
        byConnection.values().forEach(s -> s.client.close(code));
    }
}
