package io.heliograph.gateway.support;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/** A protocol-speaking WebSocket client for tests: records every text frame it receives. */
public final class WsClient implements AutoCloseable {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Vertx VERTX = Vertx.vertx();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private long nextId = 1;

    private WsClient(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(frames::add);
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() == null ? -1 : (int) socket.closeStatusCode()));
    }

    public static WsClient connect(URI base) {
        return connect(base, "/ws", Map.of());
    }

    public static WsClient connect(URI base, String path, Map<String, String> headers) {
        try {
            // Handlers are attached on the event loop as the upgrade completes, so no frame is missed.
            return open(base, path, headers).map(WsClient::new).toCompletionStage().toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + base + path, e);
        }
    }

    /** The HTTP status of a refused upgrade, or 101 when it was accepted. */
    public static int upgradeStatus(URI base, String path, Map<String, String> headers) {
        try {
            WebSocket ws = open(base, path, headers).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.close();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static io.vertx.core.Future<WebSocket> open(URI base, String path, Map<String, String> headers) {
        WebSocketClient client = VERTX.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 22));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                .setURI(path);
        headers.forEach(options::addHeader);
        return client.connect(options);
    }

    public long send(Map<String, Object> command) {
        long id = nextId++;
        Map<String, Object> withId = new java.util.LinkedHashMap<>(command);
        withId.putIfAbsent("id", id);
        sendRaw(json(withId));
        return ((Number) withId.get("id")).longValue();
    }

    public void sendRaw(String text) {
        socket.writeTextMessage(text);
    }

    public void sendBinary(byte[] data) {
        socket.writeBinaryMessage(Buffer.buffer(data));
    }

    public void pause() {
        socket.pause();
    }

    /** The next frame, parsed. */
    public JsonNode next() {
        try {
            return MAPPER.readTree(nextRaw());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next raw frame text. */
    public String nextRaw() {
        try {
            String frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT);
            }
            return frame;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Skips frames until one matches; returns it. */
    public JsonNode await(Predicate<JsonNode> match) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = next();
            if (match.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within " + WAIT);
    }

    /** The reply with this id (frames before it are kept out of the way). */
    public JsonNode reply(long id) {
        return await(f -> f.path("id").asLong(-1) == id);
    }

    /** Frames received within {@code window}, without waiting for more. */
    public List<JsonNode> drain(Duration window) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String frame = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    return out;
                }
                out.add(MAPPER.readTree(frame));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The close code once the server closes the connection. */
    public int awaitClose() {
        try {
            return closed.get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.close();
        }
    }
}
