package io.heliograph.gateway.sse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.gateway.auth.ChannelAccess;
import io.heliograph.gateway.auth.TokenVerifier;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.protocol.CloseCodes;
import io.heliograph.gateway.protocol.ErrorCode;
import io.heliograph.gateway.protocol.FramePosition;
import io.heliograph.gateway.protocol.ProtocolException;
import io.heliograph.gateway.protocol.Replies;
import io.heliograph.gateway.recovery.ChannelHistory;
import io.heliograph.gateway.websocket.Sessions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP fallbacks of PROTOCOL.md section 6 for clients that cannot keep a WebSocket:
 * {@code GET /sse} (Server-Sent Events, resumable with Last-Event-ID) and
 * {@code GET /api/channels/{C}/events} (long-poll). Both subscribe through the same {@link Hub}
 * and {@link Client} as WebSockets, so they get the same ordering and recovery guarantees.
 * Errors are RFC 9457 problem JSON.
 */
@ApplicationScoped
public class HttpFallbacks {

    private static final long KEEP_ALIVE_MS = 15_000;

    private final GatewayConfig config;
    private final ChannelAccess access;
    private final TokenVerifier tokens;
    private final Hub hub;
    private final ChannelHistory history;
    private final Sessions sessions;
    private final Vertx vertx;

    public HttpFallbacks(GatewayConfig config, ChannelAccess access, TokenVerifier tokens, Hub hub, ChannelHistory history,
            Sessions sessions, Vertx vertx) {
        this.config = config;
        this.access = access;
        this.tokens = tokens;
        this.hub = hub;
        this.history = history;
        this.sessions = sessions;
        this.vertx = vertx;
    }

    /** Streams and polls in flight, ended on drain so shutdown does not wait for them. */
    private final java.util.Set<Transport> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void routes(@Observes Router router) {
        router.get("/sse").handler(this::sse);
        router.get("/api/channels/:channel/events").handler(this::longPoll);
        // The dashboards live in folders (/crypto/index.html); their clean URLs redirect there.
        router.getWithRegex("/(crypto|prices|consumers|recipes|chat|metrics)").handler(rc -> rc.redirect(rc.normalizedPath() + "/"));
    }

    void drain(@Observes io.quarkus.runtime.ShutdownDelayInitiatedEvent event) {
        open.forEach(t -> t.close(CloseCodes.SERVICE_RESTART));
    }

    private String user(RoutingContext rc) {
        String token = rc.request().getParam("access_token");
        if (token == null) {
            return null;
        }
        try {
            return tokens.verify(token).subject();
        } catch (TokenVerifier.InvalidTokenException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
    }

    void sse(RoutingContext rc) {
        try {
            if (sessions.draining()) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE, "this gateway is shutting down; reconnect");
            }
            String user = user(rc);
            List<String> names = rc.queryParam("channel");
            if (names.isEmpty()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "give at least one ?channel=");
            }
            if (names.size() > config.maxSubscriptions()) {
                throw new ProtocolException(ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                        "at most " + config.maxSubscriptions() + " channels per stream");
            }
            Map<ChannelName, NamespacePolicy> channels = new LinkedHashMap<>();
            for (String name : names) {
                ChannelName channel = access.channel(name);
                channels.put(channel, access.readable(channel, user));
            }
            String lastEventId = rc.request().getHeader("Last-Event-ID");
            if (lastEventId == null) {
                lastEventId = rc.request().getParam("lastEventId");
            }
            Map<String, Client.Since> positions = Positions.parse(lastEventId);

            HttpServerResponse response = rc.response().setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
            response.write("retry: 1000\n\n");
            Context context = Vertx.currentContext();
            SseTransport transport = new SseTransport(response, context);
            Client client = new Client(Client.newSessionId(), user, transport, hub, history);
            long timer = vertx.setPeriodic(KEEP_ALIVE_MS, id -> transport.keepAlive());
            open.add(transport);
            Runnable ended = () -> {
                open.remove(transport);
                vertx.cancelTimer(timer);
                transport.close(CloseCodes.NORMAL);
                client.unsubscribeAll();
            };
            // The end handler runs when the stream is ended by us (slow consumer, drain, failure) as
            // well as when the peer goes; a peer gone before the handlers were set is caught below.
            response.endHandler(v -> ended.run());
            response.closeHandler(v -> ended.run());
            channels.forEach((channel, policy) -> {
                Client.Since since = positions.get(channel.value());
                client.subscribe(channel, policy, since, config.maxSubscriptions(), (epoch, offset, recovered, snapshot) -> {
                    transport.position(channel.value(), epoch, recovered ? since.offset() : offset);
                    return Replies.subscribed(0, channel.value(), epoch, offset, recovered, snapshot);
                }).subscribe().with(p -> { }, failure -> transport.close(CloseCodes.INTERNAL));
            });
            if (response.closed() || response.ended()) {
                ended.run();
            }
        } catch (ProtocolException e) {
            Problems.send(rc, e);
        }
    }

    void longPoll(RoutingContext rc) {
        try {
            String user = user(rc);
            ChannelName channel = access.channel(rc.pathParam("channel"));
            NamespacePolicy policy = access.readable(channel, user);
            String epoch = rc.request().getParam("epoch");
            String sinceParam = rc.request().getParam("since");
            long waitSeconds = parseLong(rc.request().getParam("wait"), 25, "wait");
            if (waitSeconds < 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "wait must be >= 0");
            }
            long waitMs = Math.min(waitSeconds * 1000, config.longPollMaxWait().toMillis());
            if (epoch == null || sinceParam == null) {
                // No position yet: tell the client where the channel is.
                history.current(channel, false).subscribe().with(
                        p -> respond(rc, channel.value(), p.epoch(), p.offset(), false, List.of()),
                        failure -> Problems.send(rc, new ProtocolException(ErrorCode.UNAVAILABLE, "Redis is unavailable")));
                return;
            }
            long since = parseLong(sinceParam, 0, "since");
            if (since < 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "since must be >= 0");
            }
            Context context = Vertx.currentContext();
            LongPoll poll = new LongPoll(rc, channel.value(), epoch, since, context);
            Client client = new Client(Client.newSessionId(), user, poll, hub, history);
            poll.client = client;
            poll.timer = vertx.setTimer(Math.max(1, waitMs), id -> poll.finish());
            open.add(poll);
            rc.response().closeHandler(v -> poll.finish());
            client.subscribe(channel, policy, new Client.Since(epoch, since), 1, (e, offset, recovered, snapshot) -> {
                poll.started(e, recovered ? since : offset, recovered);
                return null;
            }).subscribe().with(p -> poll.subscribed(), failure -> poll.fail());
            if (rc.response().closed()) {
                poll.finish(); // the peer left before the close handler was set
            }
        } catch (ProtocolException e) {
            Problems.send(rc, e);
        }
    }

    private static long parseLong(String value, long fallback, String name) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, name + " must be an integer");
        }
    }

    private static void respond(RoutingContext rc, String channel, String epoch, long offset, boolean recovered,
            List<String> frames) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end("{\"channel\":\"" + channel + "\",\"epoch\":" + Replies.quote(epoch) + ",\"offset\":" + offset
                        + ",\"recovered\":" + recovered + ",\"events\":[" + String.join(",", frames) + "]}");
    }

    /** One long-poll request: answers with the first frames after the position, or empty on timeout. */
    private final class LongPoll implements Transport {
        final RoutingContext rc;
        final String channel;
        final Context context;
        final List<String> frames = new ArrayList<>();
        final AtomicBoolean done = new AtomicBoolean();
        Client client;
        long timer;
        String epoch;
        long offset;
        boolean recovered = true;
        boolean answerScheduled;

        LongPoll(RoutingContext rc, String channel, String epoch, long offset, Context context) {
            this.rc = rc;
            this.channel = channel;
            this.epoch = epoch;
            this.offset = offset;
            this.context = context;
        }

        synchronized void started(String epoch, long offset, boolean recovered) {
            this.epoch = epoch;
            this.offset = offset;
            this.recovered = recovered;
        }

        synchronized void subscribed() {
            if (!recovered || !frames.isEmpty()) {
                scheduleAnswer();
            }
        }

        void fail() {
            if (done.compareAndSet(false, true)) {
                open.remove(this);
                vertx.cancelTimer(timer);
                context.runOnContext(v -> Problems.send(rc, new ProtocolException(ErrorCode.UNAVAILABLE, "Redis is unavailable")));
            }
        }

        @Override
        public synchronized void write(String frame) {
            FramePosition p = FramePosition.of(frame);
            if (p.isEvent()) {
                frames.add(frame);
                epoch = p.epoch();
                offset = p.offset();
                scheduleAnswer();
            } else if (frame.startsWith("{\"op\":\"resubscribe\"")) {
                recovered = false;
                scheduleAnswer();
            }
        }

        /** Answers on the next event-loop turn, so frames written together leave together. */
        private void scheduleAnswer() {
            if (!answerScheduled) {
                answerScheduled = true;
                context.runOnContext(v -> finish());
            }
        }

        void finish() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            open.remove(this);
            vertx.cancelTimer(timer);
            if (client != null) {
                client.unsubscribeAll();
            }
            List<String> out;
            String e;
            long o;
            boolean r;
            synchronized (this) {
                out = List.copyOf(frames);
                e = epoch;
                o = offset;
                r = recovered;
            }
            context.runOnContext(v -> respond(rc, channel, e, o, r, out));
        }

        @Override
        public void close(CloseCodes code) {
            finish();
        }

        @Override
        public boolean isOpen() {
            return !done.get();
        }
    }
}
