package io.heliograph.client;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code max} requests in flight, the others waiting in arrival order without holding a thread. The JDK's
 * HTTP/1.1 client opens a new connection whenever none is idle, so bounding the requests in flight is what bounds
 * the connections: a burst of publishes queues here instead of opening thousands of sockets to the relay.
 */
final class ConnectionLimit {

    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();

    ConnectionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + max);
        }
        this.max = max;
    }

    /** Completes once a slot is free; every completed acquire must be followed by one {@link #release()}. */
    CompletableFuture<Void> acquire() {
        if (tryTake()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> slot = new CompletableFuture<>();
        waiting.add(slot);
        // A release may have happened between the failed tryTake and the add: hand its slot on now.
        handOver();
        return slot;
    }

    void release() {
        inFlight.decrementAndGet();
        handOver();
    }

    /** Requests in flight now. */
    int inFlight() {
        return inFlight.get();
    }

    private void handOver() {
        while (!waiting.isEmpty() && tryTake()) {
            CompletableFuture<Void> next = waiting.poll();
            if (next == null) {
                inFlight.decrementAndGet();
                continue;
            }
            next.complete(null);
        }
    }

    private boolean tryTake() {
        for (int now = inFlight.get(); now < max; now = inFlight.get()) {
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }
}
