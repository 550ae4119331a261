package io.heliograph.gateway.websocket;

import java.time.Instant;

import org.jboss.logging.Logger;

import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.core.config.NodeId;
import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.hub.EventLoops;
import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.limit.ConnectionCap;
import io.heliograph.gateway.limit.TokenBucket;
import io.heliograph.gateway.presence.Presence;
import io.heliograph.gateway.protocol.CloseCodes;
import io.heliograph.gateway.protocol.ErrorCode;
import io.heliograph.gateway.protocol.Replies;
import io.heliograph.gateway.recovery.ChannelHistory;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/**
 * {@code GET /ws}: the WebSocket protocol of PROTOCOL.md section 4. Every callback runs on the event loop.
 *
 * <p>Inbound processing is {@code CONCURRENT}: every callback is non-blocking and returns when it is
 * done, on the connection's one event loop, so messages are still handled one after the other in
 * arrival order; {@code SERIAL} would add nothing but its per-connection limiter, whose queue (a
 * chunked array) is about 1 KiB of heap on every idle connection (issue 11).
 */
@WebSocket(path = "/ws", inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class GatewayEndpoint {

    private static final Logger LOG = Logger.getLogger(GatewayEndpoint.class);

    private final GatewayConfig config;
    private final NodeId node;
    private final Sessions sessions;
    private final Hub hub;
    private final ChannelHistory history;
    private final Commands commands;
    private final Presence presence;
    private final EventLoops loops;
    private final OutboundMemory memory;

    public GatewayEndpoint(GatewayConfig config, NodeId node, Sessions sessions, Hub hub, ChannelHistory history,
            Commands commands, Presence presence, EventLoops loops, OutboundMemory memory) {
        this.loops = loops;
        this.memory = memory;
        this.config = config;
        this.node = node;
        this.sessions = sessions;
        this.hub = hub;
        this.history = history;
        this.commands = commands;
        this.presence = presence;
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        String sessionId = Client.newSessionId();
        String user = connection.userData().get(UpgradeCheck.SUBJECT);
        String expires = connection.userData().get(UpgradeCheck.EXPIRES);
        String address = connection.userData().get(UpgradeCheck.ADDRESS);
        WebSocketTransport transport = new WebSocketTransport(connection, loops, memory,
                config.outboundBufferBytes(), config.slowConsumerCloseGrace(), () -> {
                    sessions.slowConsumerClosed();
                    commands.drop(connection.id());
                });
        VertxSockets.releaseHandshake(connection);
        Client client = new Client(sessionId, user, transport, hub, history, presence);
        Session session = new Session(client, connection, transport, address == null ? "unknown" : address,
                new TokenBucket(config.commandRate(), config.commandBurst()),
                new TokenBucket(config.clientPublishRate(), config.clientPublishRate()),
                expires == null ? null : Instant.parse(expires));
        sessions.add(connection.id(), session);
        if (!connection.isOpen()) {
            // Closed during the upgrade: an @OnClose may already have run and found nothing to remove.
            onClose(connection);
            return;
        }
        client.send(Replies.welcome(sessionId, node.value(), config.heartbeat().toMillis()));
    }

    @OnTextMessage
    @NonBlocking
    void onText(WebSocketConnection connection, String message) {
        Session session = sessions.get(connection.id());
        if (session == null) {
            return;
        }
        if (tooLarge(message.length() > config.maxFrameBytes() / 3
                ? message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : message.length(), session)) {
            return;
        }
        commands.handle(session, message);
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(WebSocketConnection connection, Buffer message) {
        Session session = sessions.get(connection.id());
        if (session != null && !tooLarge(message.length(), session)) {
            commands.refuse(session, null, ErrorCode.BAD_REQUEST, "binary frames are not supported: send JSON text frames");
        }
    }

    private boolean tooLarge(int bytes, Session session) {
        if (bytes <= config.maxFrameBytes()) {
            return false;
        }
        session.client.send(Replies.error(null, ErrorCode.TOO_LARGE,
                "frame of " + bytes + " bytes; the limit is " + config.maxFrameBytes()));
        session.client.close(CloseCodes.TOO_BIG);
        return true;
    }

    @OnPongMessage
    @NonBlocking
    void onPong(WebSocketConnection connection, Buffer data) {
        Session session = sessions.get(connection.id());
        if (session != null) {
            session.missedPongs = 0;
        }
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        ConnectionCap.Permit permit = connection.userData().get(UpgradeCheck.PERMIT);
        if (permit != null) {
            permit.release(); // before the TCP close, which a peer that does not answer the close may delay
        }
        Session session = sessions.remove(connection.id());
        if (session != null) {
            commands.closed(session);
        }
    }

    @OnError
    @NonBlocking
    void onError(WebSocketConnection connection, Throwable failure) {
        LOG.debugf("WebSocket %s failed: %s", connection.id(), failure.getMessage());
        Session session = sessions.get(connection.id());
        if (session != null) {
            commands.refuse(session, null, ErrorCode.INTERNAL, "the server failed to handle a frame");
        } else if (connection.isOpen()) {
            connection.close(CloseCodes.INTERNAL.reason()).subscribe().with(x -> { }, x -> { });
        }
    }
}
