package io.heliograph.gateway.websocket;

import jakarta.inject.Singleton;

import io.heliograph.gateway.config.GatewayConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Socket options of the HTTP server that carries the WebSocket endpoint. {@code SO_SNDBUF} is capped
 * ({@code send-buffer-bytes}): otherwise the kernel grows a socket's send buffer to megabytes on
 * loopback and a client that stopped reading hides them there, out of reach of the outbound limits.
 * Also where the Vert.x internals the data plane uses are resolved, so a Quarkus upgrade that moved
 * them stops the server from starting.
 */
@Singleton
public class SocketOptions implements HttpServerOptionsCustomizer {

    private final GatewayConfig config;

    public SocketOptions(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        VertxSockets.verify();
        options.setSendBufferSize(config.sendBufferBytes());
    }
}
