package io.heliograph.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * Many WebSocket client connections from one process, each subscribed to one channel.
 *
 * <p>Connections are opened at a fixed pace with a cap on handshakes in flight, so the gateway
 * sees a steady arrival rather than a SYN flood. They are spread over the event loops (a
 * connection stays on the loop of the context that opened it) and over local source addresses
 * 127.0.0.1, 127.0.0.2, ... ({@code perAddress} each), because the gateway limits connections per
 * client IP (1,000 by default) and each address has its own ephemeral port range.
 */
final class Fleet {

    /** Called on the connection's event loop for every event frame that was not a duplicate. */
    interface EventListener {
        void onEvent(Connection connection, Buffer frame, long receivedNanos);
    }

    /** How a connection is opened and subscribed: the server it talks to. */
    enum Protocol {
        /** The gateway: subprotocol {@code heliograph.v1}, {@code welcome} first, {@code subscribed} carries the offset. */
        HELIOGRAPH,
        /**
         * The plain-Netty floor (shared/peers/jvm-floor): no subprotocol and no {@code welcome}, so the
         * subscribe goes out as soon as the upgrade is done; its {@code subscribed} has no offset, and the
         * bench's fresh channels start at 0.
         */
        FLOOR
    }

    private static final int MAX_HANDSHAKES_IN_FLIGHT = 256;

    private final URI url;
    private final Protocol protocol;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final List<Context> contexts = new ArrayList<>();
    private final int perAddress;
    private final EventListener listener;
    private final List<Connection> connections = new ArrayList<>();
    private final Histogram connectMicros = Histograms.micros();
    private final Histogram subscribeMicros = Histograms.micros();
    private final AtomicInteger subscribed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder unexpectedCloses = new LongAdder();
    private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> perLoop = new ConcurrentHashMap<>();
    private volatile boolean closing;

    Fleet(Vertx vertx, URI url, int eventLoops, int connections, int perAddress, int connectTimeoutMillis, EventListener listener) {
        this(vertx, url, Protocol.HELIOGRAPH, eventLoops, connections, perAddress, connectTimeoutMillis, listener);
    }

    Fleet(Vertx vertx, URI url, Protocol protocol, int eventLoops, int connections, int perAddress, int connectTimeoutMillis,
            EventListener listener) {
        this.url = url;
        this.protocol = protocol;
        this.perAddress = perAddress;
        this.listener = listener;
        // Verticle instances are placed round robin over the event loops: one context per loop to open connections from.
        List<Context> placed = Collections.synchronizedList(new ArrayList<>());
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                placed.add(context);
            }
        }, new DeploymentOptions().setInstances(eventLoops)).toCompletionStage().toCompletableFuture().join();
        contexts.addAll(placed);
        int addresses = (connections + perAddress - 1) / perAddress;
        if (addresses > 254) {
            throw new IllegalArgumentException(connections + " connections need more than 254 source addresses at --per-address " + perAddress);
        }
        for (int a = 0; a < addresses; a++) {
            WebSocketClientOptions options = new WebSocketClientOptions()
                    .setLocalAddress("127.0.0." + (a + 1))
                    .setMaxConnections(perAddress + 1)
                    .setConnectTimeout(connectTimeoutMillis)
                    .setTcpNoDelay(true)
                    .setMaxFrameSize(256 * 1024)
                    .setMaxMessageSize(256 * 1024);
            clients.add(vertx.createWebSocketClient(options));
        }
    }

    List<Connection> connections() {
        return connections;
    }

    /**
     * Opens one connection per channel name given, at {@code perSecond}, and waits until each is
     * subscribed or has failed, or the deadline passes.
     */
    void open(List<String> channelPerConnection, int perSecond, long deadlineNanos) {
        long start = System.nanoTime();
        for (int i = 0; i < channelPerConnection.size(); i++) {
            Connection connection = new Connection(connections.size(), channelPerConnection.get(i));
            connections.add(connection);
            long due = start + (long) (i * 1e9 / perSecond);
            while (System.nanoTime() < due || inFlight.get() >= MAX_HANDSHAKES_IN_FLIGHT) {
                if (System.nanoTime() > deadlineNanos) {
                    problem("not started: connect phase deadline");
                    failed.incrementAndGet();
                    connection.settled = true;
                    break;
                }
                LockSupport.parkNanos(200_000);
            }
            if (!connection.settled) {
                inFlight.incrementAndGet();
                contexts.get(i % contexts.size()).runOnContext(v -> connect(connection));
            }
        }
        while (subscribed.get() + failed.get() < connections.size() && System.nanoTime() < deadlineNanos) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        int pending = connections.size() - subscribed.get() - failed.get();
        if (pending > 0) {
            problems.computeIfAbsent("not subscribed before the connect deadline", k -> new LongAdder()).add(pending);
        }
    }

    private void connect(Connection connection) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(url.getHost())
                .setPort(url.getPort() > 0 ? url.getPort() : 80)
                .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
        if (protocol == Protocol.HELIOGRAPH) {
            // The floor offers no subprotocol; asking it for one would fail the handshake.
            options.addSubProtocol("heliograph.v1");
        }
        connection.connectStartNanos = System.nanoTime();
        clients.get(connection.index / perAddress).connect(options).onComplete(ar -> {
            if (ar.failed()) {
                Throwable cause = ar.cause();
                problem(cause instanceof UpgradeRejectedException rejected
                        ? "upgrade refused: HTTP " + rejected.getStatus()
                        : "connect failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
                settle(connection, false);
                return;
            }
            Histograms.recordNanos(connectMicros, System.nanoTime() - connection.connectStartNanos);
            WebSocket socket = ar.result();
            connection.socket = socket;
            socket.handler(frame -> onFrame(connection, frame));
            socket.exceptionHandler(t -> problem("socket error: " + t.getClass().getSimpleName()));
            socket.closeHandler(v -> {
                connection.closed = true;
                connection.closeReason = socket.closeStatusCode() + " " + socket.closeReason();
                if (!closing) {
                    unexpectedCloses.increment();
                    problem("closed by the gateway: " + connection.closeReason);
                }
                settle(connection, false);
            });
            if (protocol == Protocol.FLOOR) {
                sendSubscribe(connection, System.nanoTime());
            }
        });
    }

    private void sendSubscribe(Connection connection, long now) {
        connection.subscribeStartNanos = now;
        connection.socket.writeTextMessage(new JsonObject().put("op", "subscribe").put("id", 1)
                .put("channel", connection.channel).encode());
    }

    private void onFrame(Connection connection, Buffer frame) {
        long now = System.nanoTime();
        if (FrameScanner.isEvent(frame)) {
            if (connection.epoch == null || connection.epoch.isEmpty()) {
                // Subscribed before the channel's first publish (epoch ""): its first event brings the epoch.
                connection.epoch = FrameScanner.epoch(frame);
            }
            if (connection.onOffset(FrameScanner.offset(frame))) {
                listener.onEvent(connection, frame, now);
            }
            return;
        }
        JsonObject json;
        try {
            json = frame.toJsonObject();
        } catch (RuntimeException e) {
            problem("unparseable frame");
            return;
        }
        String op = json.getString("op", "");
        switch (op) {
            case "welcome" -> sendSubscribe(connection, now);
            case "subscribed" -> {
                long offset = json.getLong("offset", 0L);
                connection.epoch = json.getString("epoch");
                if (!connection.subscribed()) {
                    connection.lastOffset = offset;
                    connection.baseline = offset;
                    Histograms.recordNanos(subscribeMicros, now - connection.subscribeStartNanos);
                    perLoop.computeIfAbsent(Thread.currentThread().getName(), k -> new LongAdder()).increment();
                    settle(connection, true);
                } else if (!json.getBoolean("recovered", false)) {
                    problem("resubscribe not recovered");
                }
            }
            case "resubscribe" -> {
                // The gateway lost track (e.g. a Redis reconnect): recover from our last position, as the browser library does.
                connection.resubscribes++;
                connection.socket.writeTextMessage(new JsonObject().put("op", "subscribe").put("id", 2)
                        .put("channel", connection.channel)
                        .put("since", new JsonObject().put("epoch", connection.epoch).put("offset", connection.lastOffset)).encode());
            }
            case "error" -> {
                problem("error reply: " + json.getString("code"));
                if (!connection.subscribed()) {
                    settle(connection, false);
                }
            }
            default -> {
                // pong, join/leave: nothing to measure
            }
        }
    }

    private void settle(Connection connection, boolean ok) {
        if (connection.settled) {
            return;
        }
        connection.settled = true;
        inFlight.decrementAndGet();
        (ok ? subscribed : failed).incrementAndGet();
    }

    private void problem(String what) {
        problems.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    int subscribedCount() {
        return subscribed.get();
    }

    int failedCount() {
        return failed.get();
    }

    long unexpectedCloses() {
        return unexpectedCloses.sum();
    }

    /** How the subscribed connections are spread over the client event loops. */
    String perEventLoop() {
        Map<String, Long> sorted = new TreeMap<>();
        perLoop.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }

    Histogram connectMicros() {
        return connectMicros;
    }

    Histogram subscribeMicros() {
        return subscribeMicros;
    }

    /** Everything that went wrong, by kind, most frequent first; empty when nothing did. */
    String problems() {
        Map<String, Long> sorted = new TreeMap<>();
        problems.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder text = new StringBuilder();
        sorted.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> text.append(text.length() == 0 ? "" : "\n").append(e.getValue()).append(" x ").append(e.getKey()));
        return text.toString();
    }

    /** Closes every connection normally (1000) and waits up to the timeout for the closes to finish. */
    void closeAll(long timeoutNanos) {
        closing = true;
        long deadline = System.nanoTime() + timeoutNanos;
        for (Connection connection : connections) {
            WebSocket socket = connection.socket;
            if (socket != null && !connection.closed) {
                socket.close((short) 1000);
            }
        }
        while (System.nanoTime() < deadline && connections.stream().anyMatch(c -> c.socket != null && !c.closed)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        clients.forEach(WebSocketClient::close);
    }
}
