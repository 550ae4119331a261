package io.heliograph.gateway.websocket;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.quarkus.websockets.next.HandshakeRequest;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Reaches the Vert.x WebSocket and the Netty channel under a websockets-next connection.
 * websockets-next has no public way to see whether a connection's outbound buffer is full (what
 * slow-consumer detection needs), and its send path encodes the text and flushes the socket once per
 * frame per connection: at broadcast rates that is a copy and a syscall per delivery, which is what
 * limits a 2-core gateway. Every reach into internals is in this one class, resolved by
 * {@link #verify()} when the HTTP server starts (so an upgrade that changes them fails the start,
 * loudly), and covered by {@code VertxSocketsTest}.
 */
final class VertxSockets {

    private static final Method WEB_SOCKET = method("io.quarkus.websockets.next.runtime.WebSocketConnectionBase", "webSocket");
    private static final Field CONNECTION = field("io.vertx.core.http.impl.WebSocketImplBase", "conn");
    /** Per connection, websockets-next keeps the upgrade's RoutingContext here (and with it the whole HTTP request). */
    private static final Field SECURITY = field("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl", "securitySupport");
    private static final Field SECURITY_CONTEXT = field("io.quarkus.websockets.next.runtime.SecuritySupport", "routingContext");
    /** ... and a copy of every request header here. */
    private static final Field HANDSHAKE_HEADERS = field("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl$HandshakeRequestImpl",
            "headers");

    private VertxSockets() {
    }

    private static Method method(String type, String name) {
        try {
            Method method = Class.forName(type).getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("websockets-next internals changed: " + type + "." + name + "() not found", e);
        }
    }

    private static Field field(String type, String name) {
        try {
            Field field = Class.forName(type).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Vert.x internals changed: " + type + "." + name + " not found", e);
        }
    }

    /** Resolves every internal this class needs; throws when an upgrade moved one. */
    static void verify() {
        if (WEB_SOCKET == null || CONNECTION == null || !ConnectionBase.class.isAssignableFrom(CONNECTION.getType())) {
            throw new IllegalStateException("Vert.x internals changed: WebSocketImplBase.conn is not a ConnectionBase");
        }
        if (!RoutingContext.class.equals(SECURITY_CONTEXT.getType()) || !Map.class.equals(HANDSHAKE_HEADERS.getType())) {
            throw new IllegalStateException("websockets-next internals changed: SecuritySupport.routingContext / HandshakeRequestImpl.headers");
        }
    }

    /**
     * Lets go of what the upgrade left on an open connection: websockets-next keeps the upgrade's
     * {@code RoutingContext} in the connection's security support (the HTTP request, its headers, its
     * response and the router's state: about 5 KiB per idle connection) and a copy of the request
     * headers in its handshake request. The gateway reads neither after {@code @OnOpen} (the upgrade
     * check put what it needs into the user data, and tokens are checked by {@code TokenVerifier}, not
     * by Quarkus security), and websockets-next reads the context only to re-authenticate, which this
     * endpoint never does ({@code SecuritySupport.getDeferredIdentity} expects it to be null).
     */
    static void releaseHandshake(WebSocketConnection connection) {
        try {
            Object security = SECURITY.getDeclaringClass().isInstance(connection) ? SECURITY.get(connection) : null;
            if (security != null) {
                SECURITY_CONTEXT.set(security, null);
            }
            HandshakeRequest handshake = connection.handshakeRequest();
            if (HANDSHAKE_HEADERS.getDeclaringClass().isInstance(handshake)) {
                HANDSHAKE_HEADERS.set(handshake, Map.of());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot release the handshake of " + connection.id(), e);
        }
    }

    /**
     * The context of the channel's WebSocket frame encoder: a buffer written from there is already a
     * whole frame and goes to the socket as is.
     */
    static ChannelHandlerContext encoder(ChannelPipeline pipeline) {
        ChannelHandlerContext encoder = pipeline.context(WebSocketFrameEncoder.class);
        if (encoder == null) {
            throw new IllegalStateException("Vert.x internals changed: no WebSocketFrameEncoder in " + pipeline.names());
        }
        return encoder;
    }

    static WebSocketBase of(WebSocketConnection connection) {
        try {
            return (WebSocketBase) WEB_SOCKET.invoke(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the Vert.x WebSocket of " + connection.id(), e);
        }
    }

    /**
     * Runs {@code action} when the TCP connection under {@code request} closes, whatever happens to
     * the upgrade: {@code HttpConnection.closeHandler} has a single slot that Quarkus may use itself,
     * while the connection's close future takes any number of listeners.
     */
    static void onConnectionClosed(HttpServerRequest request, Runnable action) {
        if (request.connection() instanceof ConnectionBase connection) {
            connection.closeFuture().onComplete(v -> action.run());
        } else {
            throw new IllegalStateException("Vert.x internals changed: " + request.connection().getClass()
                    + " is not a ConnectionBase");
        }
    }

    /** The Netty context frames are written on (the one Vert.x itself writes on). */
    static ChannelHandlerContext context(WebSocketBase socket) {
        try {
            Object target = socket;
            // Vert.x Web wraps the server WebSocket (to report proxied scheme and host): unwrap it.
            while (!CONNECTION.getDeclaringClass().isInstance(target)) {
                Field delegate = target.getClass().getDeclaredField("delegate");
                delegate.setAccessible(true);
                target = delegate.get(target);
            }
            return ((ConnectionBase) CONNECTION.get(target)).channelHandlerContext();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the Netty channel of a WebSocket", e);
        }
    }
}
