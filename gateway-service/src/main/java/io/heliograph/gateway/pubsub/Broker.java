package io.heliograph.gateway.pubsub;

import io.netty.buffer.ByteBuf;
import io.smallrye.mutiny.Uni;

/**
 * This node's subscription to Redis Pub/Sub (one dedicated connection; Centrifuge calls it the broker).
 *
 * <p>Guarantees: frames of one channel reach the {@link Listener} in the order Redis published
 * them, on one thread at a time, the event loop of the subscriber connection. Pub/Sub is at most once: frames published while the connection
 * is down are lost to it, so after every reconnect the broker resubscribes everything and calls
 * {@link Listener#onResubscribed()}, and the listener recovers the gap from history.
 * {@link #subscribe} and {@link #unsubscribe} reach Redis in the order they were called, from
 * whatever threads: a caller that orders them (the hub, under its lock) gets that order in Redis.
 */
public interface Broker {

    /** Receives what the broker reads. Implementations must not block. */
    interface Listener {

        /**
         * A frame published on {@code channel}: its text, and its bytes exactly as Redis delivered
         * them (valid only during the call; the listener copies what it keeps).
         */
        void onFrame(String channel, String frame, ByteBuf bytes);

        /** The connection came back and every wanted channel is subscribed again. */
        void onResubscribed();
    }

    void listener(Listener listener);

    /**
     * Subscribes once Redis confirms; while the subscriber connection is down it waits for it,
     * and fails when Redis does not confirm in time. Idempotent.
     */
    Uni<Void> subscribe(String channel);

    /** Unsubscribes (fire and forget while disconnected: nothing is wanted after a reconnect). */
    void unsubscribe(String channel);

    /** Whether the subscriber connection is up. */
    boolean connected();
}
