package io.heliograph.gateway.websocket;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.heliograph.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.quarkus.runtime.StartupEvent;

/**
 * The node-wide bound on outbound memory. The per-connection limit cannot bound a node: 500
 * clients that stop reading, each just under it, already exceed what a small gateway has. So every
 * connection reports what it has queued ({@link WebSocketTransport#flushNow()}), and when the
 * total reaches {@code outbound-node-bytes} the connections holding the most are closed with 4009
 * until the node is back under it. Nothing here waits: the count is a sum of per-turn deltas, and the
 * exact pass that picks whom to close reads each connection's queued bytes without locking.
 *
 * <p>What counts is what stayed queued after a connection's last flush, never the live queue: in
 * the middle of a loop turn that also holds the frames written to every subscriber and not yet
 * flushed, and a pass that ran then saw clients that read everything holding as much as the ones
 * that stopped reading, and closed some of them.
 *
 * <p>Queued bytes are counted per connection as Netty counts them (each frame plus its entry
 * overhead), although a fanned-out frame is stored once: the bound holds even when every queued
 * frame were a different one. Thread-safe.
 */
@ApplicationScoped
public class OutboundMemory {

    private static final Logger LOG = Logger.getLogger(OutboundMemory.class);
    /** Exact passes are at most this often: between them the count only grows by what was written meanwhile. */
    private static final long PASS_INTERVAL_NANOS = 10_000_000;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000;

    private final GatewayConfig config;
    private final long bound;
    private final LongAdder queued = new LongAdder();
    private final Set<WebSocketTransport> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean passing = new AtomicBoolean();
    private final AtomicLong closes = new AtomicLong();
    private volatile long lastPass;
    /** Guarded by {@link #passing}: evictions are reported at most once per {@link #LOG_INTERVAL_NANOS}. */
    private long lastLog = System.nanoTime() - LOG_INTERVAL_NANOS;
    private long unlogged;

    public OutboundMemory(GatewayConfig config, MeterRegistry registry) {
        this.config = config;
        this.bound = config.outboundNodeBytes()
                .orElse((long) (PlatformDependent.maxDirectMemory() * config.outboundNodeFraction()));
        Gauge.builder("heliograph_gateway_outbound_queued_bytes", this, OutboundMemory::queued)
                .description("Bytes queued for all WebSocket connections (as last reported)").register(registry);
        FunctionCounter.builder("heliograph_gateway_outbound_bound_closes", this, OutboundMemory::closes)
                .description("Connections closed with 4009 because the node reached outbound-node-bytes").register(registry);
    }

    void announce(@Observes StartupEvent event) {
        LOG.infof("outbound memory bound: %d MiB queued over all connections (%s), then the connections holding the most"
                + " are closed with 4009; per connection %d KiB; SO_SNDBUF %s",
                bound >> 20, config.outboundNodeBytes().isPresent() ? "outbound-node-bytes"
                        : config.outboundNodeFraction() + " of " + (PlatformDependent.maxDirectMemory() >> 20) + " MiB direct memory",
                config.outboundBufferBytes() >> 10,
                config.sendBufferBytes() > 0 ? (config.sendBufferBytes() >> 10) + " KiB" : "the OS default (not capped)");
    }

    private static long now(long since) {
        return System.nanoTime() - since;
    }

    /** The bound in bytes. */
    public long bound() {
        return bound;
    }

    /** Bytes queued over all connections, as last reported. */
    public long queued() {
        return queued.sum();
    }

    /** Connections closed because the node was over the bound. */
    public long closes() {
        return closes.get();
    }

    void register(WebSocketTransport transport) {
        open.add(transport);
    }

    void unregister(WebSocketTransport transport) {
        open.remove(transport);
    }

    /** A connection's queued bytes changed by {@code delta}; checks the bound when they grew. */
    void changed(long delta) {
        queued.add(delta);
        if (delta > 0 && queued.sum() > bound) {
            overBound();
        }
    }

    private void overBound() {
        long now = System.nanoTime();
        if (now - lastPass < PASS_INTERVAL_NANOS || !passing.compareAndSet(false, true)) {
            return;
        }
        try {
            lastPass = now;
            closeTheLargest();
        } finally {
            passing.set(false);
        }
    }

    /** Exact pass: re-reads every open connection and closes the largest until the total is under the bound. */
    private void closeTheLargest() {
        WebSocketTransport[] all = open.toArray(WebSocketTransport[]::new);
        long[] keyed = new long[all.length];
        long total = 0;
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (!all[i].isOpen()) {
                continue; // closing: its buffers are released when the channel closes
            }
            long pending = all[i].held();
            total += pending;
            if (pending > 0) {
                // pending in the high bits, index in the low 20 bits: one sort, no boxing
                keyed[n++] = (Math.min(pending, (1L << 43) - 1) << 20) | i;
            }
        }
        if (total <= bound || n == 0) {
            return;
        }
        Arrays.sort(keyed, 0, n);
        int closed = 0;
        long before = total;
        for (int k = n - 1; k >= 0 && total > bound; k--) {
            WebSocketTransport transport = all[(int) (keyed[k] & 0xFFFFF)];
            total -= keyed[k] >>> 20;
            transport.slowConsumer();
            closed++;
        }
        closes.addAndGet(closed);
        unlogged += closed;
        if (now(lastLog) > LOG_INTERVAL_NANOS) {
            lastLog = System.nanoTime();
            LOG.warnf("outbound bytes reached %d KiB, over the node bound of %d KiB: closed %d connections holding the most"
                    + " with 4009 since the last report (%d in all)", before >> 10, bound >> 10, unlogged, closes.get());
            unlogged = 0;
        }
    }
}
