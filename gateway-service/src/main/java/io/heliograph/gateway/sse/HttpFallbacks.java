package io.heliograph.gateway.sse;

import java.time.Duration;
import java.time.Instant;
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
import io.heliograph.core.net.ClientAddress;
import io.heliograph.gateway.auth.OriginPolicy;
import io.heliograph.gateway.auth.TokenVerifier;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.limit.ConnectionCap;
import io.heliograph.gateway.limit.RequestRate;
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
 *
 * <p>One connection policy with the WebSocket: every request passes, in this order, drain (503), the
 * Origin allow-list (403), the per-address request rate (429), the token (401) and the channel
 * rules, and last takes a {@link ConnectionCap} permit (429) that it holds until its response ends,
 * so an open stream and a waiting poll count like a WebSocket. A stream whose token expires ends
 * with an {@code error} event ({@code unauthorized}); a poll never waits past its token's expiry.
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
    private final OriginPolicy origins;
    private final RequestRate rate;
    private final ConnectionCap cap;
    private final Vertx vertx;

    public HttpFallbacks(GatewayConfig config, ChannelAccess access, TokenVerifier tokens, Hub hub, ChannelHistory history,
            Sessions sessions, OriginPolicy origins, RequestRate rate, ConnectionCap cap, Vertx vertx) {
        this.config = config;
        this.access = access;
        this.tokens = tokens;
        this.hub = hub;
        this.history = history;
        this.sessions = sessions;
        this.origins = origins;
        this.rate = rate;
        this.cap = cap;
        this.vertx = vertx;
    }

    /** Who is asking: the client address and the verified token (null when anonymous). */
    private record Caller(String address, TokenVerifier.Identity identity) {
        String user() {
            return identity == null ? null : identity.subject();
        }

        Instant expiresAt() {
            return identity == null ? null : identity.expiresAt();
        }
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

    /** Set on a routing context once its end handlers ran. */
    private static final String ENDED = "heliograph.ended";

    /** The checks every fallback request passes before its parameters are read (see the class comment). */
    private Caller admit(RoutingContext rc) {
        if (sessions.draining()) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "this gateway is shutting down; reconnect");
        }
        if (!origins.allowed(rc.request())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "origin not allowed");
        }
        String address = ClientAddress.of(rc.request(), config.trustedProxies());
        if (!rate.tryTake(address)) {
            throw new Problems.RetryLater(ErrorCode.RATE_LIMITED,
                    "more than " + config.fallbackRequestRate() + " requests per second from this address", rate.retryAfterSeconds());
        }
        String token = rc.request().getParam("access_token");
        if (token == null) {
            return new Caller(address, null);
        }
        try {
            return new Caller(address, tokens.verify(token));
        } catch (TokenVerifier.InvalidTokenException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
    }

    /** Counts the request as a connection of its address until its response ends, however it ends. */
    private void hold(RoutingContext rc, Caller caller) {
        ConnectionCap.Permit permit = cap.tryAcquire(caller.address());
        if (permit == null) {
            throw new Problems.RetryLater(ErrorCode.RATE_LIMITED,
                    "this address already has " + cap.max() + " connections", ConnectionCap.RETRY_AFTER_SECONDS);
        }
        // The routing context's end handlers run when the response ends and when the connection
        // closes first, which a single response closeHandler does not cover.
        rc.addEndHandler(ar -> {
            permit.release();
            rc.put(ENDED, Boolean.TRUE);
        });
    }

    /** Whether the request is over: its end handlers ran, or its connection is gone. */
    private static boolean over(RoutingContext rc) {
        return rc.get(ENDED) != null || rc.response().ended() || rc.response().closed();
    }

    /** Milliseconds until the token expires, or {@code Long.MAX_VALUE} for a token without expiry or none. */
    private static long untilExpiry(Caller caller) {
        Instant expires = caller.expiresAt();
        return expires == null ? Long.MAX_VALUE : Math.max(1, Duration.between(Instant.now(), expires).toMillis());
    }

    void sse(RoutingContext rc) {
        try {
            Caller caller = admit(rc);
            String user = caller.user();
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
            hold(rc, caller);

            HttpServerResponse response = rc.response().setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
            response.write("retry: 1000\n\n");
            Context context = Vertx.currentContext();
            SseTransport transport = new SseTransport(response, context);
            Client client = new Client(Client.newSessionId(), user, transport, hub, history);
            long timer = vertx.setPeriodic(KEEP_ALIVE_MS, id -> transport.keepAlive());
            long untilExpiry = untilExpiry(caller);
            long expiry = untilExpiry == Long.MAX_VALUE ? -1 : vertx.setTimer(untilExpiry, id -> {
                // As on the WebSocket (error, then 4001): the client reconnects with a fresh token.
                transport.write(Replies.error(null, ErrorCode.UNAUTHORIZED, "token expired"));
                transport.close(CloseCodes.UNAUTHORIZED);
            });
            open.add(transport);
            AtomicBoolean streamEnded = new AtomicBoolean();
            Runnable ended = () -> {
                if (!streamEnded.compareAndSet(false, true)) {
                    return;
                }
                open.remove(transport);
                vertx.cancelTimer(timer);
                if (expiry >= 0) {
                    vertx.cancelTimer(expiry);
                }
                transport.close(CloseCodes.NORMAL);
                client.unsubscribeAll();
            };
            // The end handler runs when the stream is ended by us (slow consumer, drain, expiry, failure)
            // as well as when the peer goes; a peer gone before it was set is caught below.
            rc.addEndHandler(ar -> ended.run());
            channels.forEach((channel, policy) -> {
                Client.Since since = positions.get(channel.value());
                client.subscribe(channel, policy, since, config.maxSubscriptions(), (epoch, offset, recovered, snapshot) -> {
                    transport.position(channel.value(), epoch, recovered ? since.offset() : offset);
                    return Replies.subscribed(0, channel.value(), epoch, offset, recovered, snapshot);
                }).subscribe().with(p -> { }, failure -> transport.close(CloseCodes.INTERNAL));
            });
            if (over(rc)) {
                ended.run();
            }
        } catch (ProtocolException e) {
            Problems.send(rc, e);
        }
    }

    void longPoll(RoutingContext rc) {
        try {
            Caller caller = admit(rc);
            ChannelName channel = access.channel(rc.pathParam("channel"));
            NamespacePolicy policy = access.readable(channel, caller.user());
            String epoch = rc.request().getParam("epoch");
            String sinceParam = rc.request().getParam("since");
            long waitSeconds = parseLong(rc.request().getParam("wait"), 25, "wait");
            if (waitSeconds < 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "wait must be >= 0");
            }
            long limit = parseLong(rc.request().getParam("limit"), config.longPollDefaultLimit(), "limit");
            if (limit < 1 || limit > config.longPollMaxLimit()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "limit must be 1.." + config.longPollMaxLimit());
            }
            long since = parseLong(sinceParam, 0, "since");
            if (since < 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "since must be >= 0");
            }
            hold(rc, caller);
            if (epoch == null || sinceParam == null) {
                // No position yet: tell the client where the channel is.
                history.current(channel, false).subscribe().with(
                        p -> respond(rc, channel.value(), p.epoch(), p.offset(), false, false, List.of()),
                        failure -> unavailable(rc));
                return;
            }
            long waitMs = Math.min(Math.min(waitSeconds * 1000, config.longPollMaxWait().toMillis()), untilExpiry(caller));
            // Newer frames already in history are answered at once, at most `limit` of them, without
            // subscribing; only a poll that is up to date waits for the live stream.
            history.page(channel, epoch, since, (int) limit).subscribe().with(p -> {
                if (!p.recovered()) {
                    respond(rc, channel.value(), p.epoch(), p.offset(), false, false, List.of());
                } else if (!p.frames().isEmpty()) {
                    FramePosition last = FramePosition.of(p.frames().get(p.frames().size() - 1));
                    respond(rc, channel.value(), last.epoch(), last.offset(), true, last.offset() < p.offset(), p.frames());
                } else {
                    await(rc, caller, channel, policy, new Client.Since(epoch, since), waitMs, (int) limit);
                }
            }, failure -> unavailable(rc));
        } catch (ProtocolException e) {
            Problems.send(rc, e);
        }
    }

    private void await(RoutingContext rc, Caller caller, ChannelName channel, NamespacePolicy policy, Client.Since since,
            long waitMs, int limit) {
        if (over(rc)) {
            return; // the client left while its history was read
        }
        LongPoll poll = new LongPoll(rc, channel.value(), since.epoch(), since.offset(), limit, Vertx.currentContext());
        Client client = new Client(Client.newSessionId(), caller.user(), poll, hub, history);
        poll.client = client;
        poll.timer = vertx.setTimer(Math.max(1, waitMs), id -> poll.finish());
        open.add(poll);
        rc.addEndHandler(ar -> poll.finish());
        client.subscribe(channel, policy, since, 1, (e, offset, recovered, snapshot) -> {
            poll.started(e, recovered ? since.offset() : offset, recovered);
            return null;
        }).subscribe().with(p -> poll.subscribed(), failure -> poll.fail());
        if (over(rc)) {
            poll.finish(); // the peer left before the end handler was set
        }
    }

    private static void unavailable(RoutingContext rc) {
        Problems.send(rc, new ProtocolException(ErrorCode.UNAVAILABLE, "Redis is unavailable"));
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

    /** {@code offset} is where the client asks again from: the last event's, or the channel's when it got none. */
    private static void respond(RoutingContext rc, String channel, String epoch, long offset, boolean recovered, boolean more,
            List<String> frames) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end("{\"channel\":\"" + channel + "\",\"epoch\":" + Replies.quote(epoch) + ",\"offset\":" + offset
                        + ",\"recovered\":" + recovered + ",\"more\":" + more + ",\"events\":[" + String.join(",", frames) + "]}");
    }

    /**
     * One long-poll request waiting for the live stream: answers with the first frames after the
     * position (at most {@code limit}; one more is kept only to know that more remain), or empty on
     * timeout.
     */
    private final class LongPoll implements Transport {
        final RoutingContext rc;
        final String channel;
        final int limit;
        final Context context;
        final List<String> frames = new ArrayList<>();
        final AtomicBoolean done = new AtomicBoolean();
        Client client;
        long timer;
        String epoch;
        long offset;
        boolean recovered = true;
        boolean answerScheduled;

        LongPoll(RoutingContext rc, String channel, String epoch, long offset, int limit, Context context) {
            this.rc = rc;
            this.channel = channel;
            this.limit = limit;
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
                if (frames.size() <= limit) {
                    frames.add(frame);
                }
                if (frames.size() <= limit) {
                    epoch = p.epoch();
                    offset = p.offset();
                }
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
            boolean more;
            synchronized (this) {
                more = frames.size() > limit;
                out = List.copyOf(more ? frames.subList(0, limit) : frames);
                e = epoch;
                o = offset;
                r = recovered;
            }
            context.runOnContext(v -> respond(rc, channel, e, o, r, more, out));
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
