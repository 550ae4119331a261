package io.heliograph.gateway.websocket;

import java.lang.reflect.Method;

import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.WebSocketBase;

/**
 * Reaches the Vert.x WebSocket under a websockets-next connection. websockets-next has no public
 * way to see whether a connection's outbound buffer is full, which is what slow-consumer detection
 * needs, nor to write without its per-call bookkeeping; kept in this one class so an upgrade that
 * changes the internals breaks in one place (and loudly, at the first connection).
 */
final class VertxSockets {

    private static final Method WEB_SOCKET = find();

    private VertxSockets() {
    }

    private static Method find() {
        try {
            Method method = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionBase")
                    .getDeclaredMethod("webSocket");
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("websockets-next internals changed: WebSocketConnectionBase.webSocket() not found", e);
        }
    }

    static WebSocketBase of(WebSocketConnection connection) {
        try {
            return (WebSocketBase) WEB_SOCKET.invoke(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the Vert.x WebSocket of " + connection.id(), e);
        }
    }
}
