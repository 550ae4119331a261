package io.heliograph.gateway.websocket;

import java.time.Instant;

import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.limit.TokenBucket;
import io.quarkus.websockets.next.WebSocketConnection;

/** Per-connection state beside the {@link Client}: limits, heartbeat and token expiry. */
final class Session {

    final Client client;
    final WebSocketConnection connection;
    final WebSocketTransport transport;
    final String address;
    final TokenBucket commands;
    final TokenBucket publishes;
    volatile Instant expiresAt;
    volatile int missedPongs;
    /** Commands refused in a row; reset by an accepted one. */
    int strikes;

    Session(Client client, WebSocketConnection connection, WebSocketTransport transport, String address, TokenBucket commands, TokenBucket publishes,
            Instant expiresAt) {
        this.client = client;
        this.connection = connection;
        this.transport = transport;
        this.address = address;
        this.commands = commands;
        this.publishes = publishes;
        this.expiresAt = expiresAt;
    }
}
