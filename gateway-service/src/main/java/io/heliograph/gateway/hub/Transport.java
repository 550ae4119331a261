package io.heliograph.gateway.hub;

import io.heliograph.gateway.protocol.CloseCodes;
import io.netty.util.concurrent.EventExecutor;

/**
 * How frames reach one client: a WebSocket, an SSE stream or a long-poll request.
 *
 * <p>Guarantee: frames are written in the order {@link #write} was called, from any thread,
 * and {@code write} never blocks. A transport whose queued bytes exceed its limit closes itself
 * with {@link CloseCodes#SLOW_CONSUMER} and drops what it held.
 */
public interface Transport {

    void write(String frame);

    /**
     * A frame fanned out by the hub. When {@link #loop()} is not null this is called on that loop,
     * in the same order as {@link #write(String)} calls made on it.
     */
    default void write(Frame frame) {
        write(frame.text());
    }

    /**
     * The event loop this transport writes on, for the hub to deliver fanned-out frames there in
     * one task per Redis read burst; null when frames may be handed over from any thread.
     */
    default EventExecutor loop() {
        return null;
    }

    void close(CloseCodes code);

    boolean isOpen();
}
