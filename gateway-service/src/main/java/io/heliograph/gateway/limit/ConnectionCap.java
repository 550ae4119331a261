package io.heliograph.gateway.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.config.GatewayConfig;

/**
 * The one per-IP connection cap of every transport (PROTOCOL.md section 6): a WebSocket, an open
 * SSE stream and a waiting long-poll each hold one {@link Permit} of their client address.
 *
 * <p>Guarantees: {@link #tryAcquire} checks and counts in one atomic step per address, so concurrent
 * opens never let more than {@code max-connections-per-ip} through; a permit is given back exactly
 * once however often {@link Permit#release} is called, so a transport may release it from every
 * path that ends it (close, failure, a connection that died before it registered). Thread-safe,
 * lock-free per address, never blocks.
 */
@ApplicationScoped
public class ConnectionCap {

    /** What a refused connection is told to wait ({@code Retry-After}, seconds): places free up as others close. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private final int max;
    /** Address -> permits held; an address with none has no entry, so the map does not grow with past clients. */
    private final Map<String, Integer> held = new ConcurrentHashMap<>();

    public ConnectionCap(GatewayConfig config) {
        this.max = config.maxConnectionsPerIp();
    }

    /** One connection's place under the cap of its address. */
    public final class Permit {
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String address) {
            this.address = address;
        }

        /** Gives the place back; only the first call counts. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                held.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** A permit for one more connection from {@code address}, or null when it already holds the maximum. */
    public Permit tryAcquire(String address) {
        boolean[] granted = new boolean[1];
        held.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            granted[0] = true;
            return current + 1;
        });
        return granted[0] ? new Permit(address) : null;
    }

    /** Connections currently counted for {@code address}. */
    public int held(String address) {
        return held.getOrDefault(address, 0);
    }

    /** The cap, for messages. */
    public int max() {
        return max;
    }
}
