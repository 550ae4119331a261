package io.heliograph.gateway.hub;

import io.heliograph.gateway.protocol.CloseCodes;

/**
 * How frames reach one client: a WebSocket, an SSE stream or a long-poll request.
 *
 * <p>Guarantee: frames are written in the order {@link #write} was called, from any thread,
 * and {@code write} never blocks. A transport whose queued bytes exceed its limit closes itself
 * with {@link CloseCodes#SLOW_CONSUMER} and drops what it held.
 */
public interface Transport {

    void write(String frame);

    void close(CloseCodes code);

    boolean isOpen();
}
