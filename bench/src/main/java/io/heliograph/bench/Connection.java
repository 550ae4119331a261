package io.heliograph.bench;

import io.vertx.core.http.WebSocket;

/**
 * One client connection subscribed to one channel, and what it saw. All fields are written on the
 * connection's event loop only; they are volatile so the main thread can read the totals at the end.
 *
 * <p>Loss accounting: every connection must see every offset of its channel after its
 * {@code subscribed} position exactly once and in order (PROTOCOL.md section 4). A jump forward
 * counts the skipped offsets as missing, anything not above the last offset seen as a duplicate,
 * and {@link #missingAtEnd} adds what never arrived before the run ended.
 */
final class Connection {

    final int index;
    final String channel;
    volatile WebSocket socket;
    volatile long connectStartNanos;
    volatile long subscribeStartNanos;
    /** Offset of the channel at {@code subscribed}; -1 until then. */
    volatile long baseline = -1;
    volatile long lastOffset = -1;
    volatile long received;
    volatile long missing;
    volatile long duplicates;
    volatile long resubscribes;
    /** Subscribed or failed: counted once in the fleet's progress. */
    volatile boolean settled;
    volatile String epoch;
    volatile boolean closed;
    volatile String closeReason;

    Connection(int index, String channel) {
        this.index = index;
        this.channel = channel;
    }

    boolean subscribed() {
        return baseline >= 0;
    }

    /** Tallies an event frame's offset; returns whether it was new (not a duplicate). */
    boolean onOffset(long offset) {
        if (!subscribed()) {
            return false;
        }
        if (offset <= lastOffset) {
            duplicates++;
            return false;
        }
        if (offset > lastOffset + 1) {
            missing += offset - lastOffset - 1;
        }
        lastOffset = offset;
        received++;
        return true;
    }

    /** Offsets up to the channel's final one that never arrived. */
    long missingAtEnd(long finalOffset) {
        return subscribed() ? missing + Math.max(0, finalOffset - lastOffset) : 0;
    }

    /** Deliveries this connection should have had. */
    long expected(long finalOffset) {
        return subscribed() ? Math.max(0, finalOffset - baseline) : 0;
    }
}
