package io.heliograph.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A protocol-speaking WebSocket client for tests on the JDK's own WebSocket, as any third-party
 * client would be: records every text frame in arrival order. Not thread-safe: one test thread
 * sends and reads.
 */
public final class WsClient implements AutoCloseable {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** How long {@link #next()} and {@link #await} wait unless the connect call says otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Duration wait;
    private final WebSocket socket;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private long nextId = 1;

    /** The listener exists before the handshake, so not even the first frame can be missed. */
    private WsClient(URI base, String path, Map<String, String> headers, Duration wait) throws Exception {
        this.wait = wait;
        StringBuilder partial = new StringBuilder();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(1006);
            }
        };
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(wait);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(URI.create("ws://" + base.getHost() + ":" + base.getPort() + path), listener)
                .get(wait.toSeconds(), TimeUnit.SECONDS);
    }

    /** Connects to {@code /ws} of the server at {@code base} (its http URI). */
    public static WsClient connect(URI base) {
        return connect(base, "/ws", Map.of());
    }

    public static WsClient connect(URI base, String path, Map<String, String> headers) {
        return connect(base, path, headers, WAIT);
    }

    /** Connects with {@code wait} as the time to wait for the handshake and for each frame. */
    public static WsClient connect(URI base, String path, Map<String, String> headers, Duration wait) {
        try {
            return new WsClient(base, path, headers, wait);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + base + path, e);
        }
    }

    /** The HTTP status of a refused upgrade, or 101 when it was accepted. */
    public static int upgradeStatus(URI base, String path, Map<String, String> headers) {
        try {
            new WsClient(base, path, headers, WAIT).close();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException rejected) {
                return rejected.getResponse().statusCode();
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a command with the next id unless it has one; returns its id. */
    public long send(Map<String, Object> command) {
        long id = nextId++;
        Map<String, Object> withId = new LinkedHashMap<>(command);
        withId.putIfAbsent("id", id);
        sendRaw(json(withId));
        return ((Number) withId.get("id")).longValue();
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next frame, parsed. */
    public JsonNode next() {
        try {
            return MAPPER.readTree(nextRaw());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next raw frame text. */
    public String nextRaw() {
        try {
            String frame = frames.poll(wait.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + wait);
            }
            return frame;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Skips frames until one matches; returns it. */
    public JsonNode await(Predicate<JsonNode> match) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = next();
            if (match.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within " + wait);
    }

    /** The reply with this id (frames before it are kept out of the way). */
    public JsonNode reply(long id) {
        return await(f -> f.path("id").asLong(-1) == id);
    }

    /** Subscribes and returns the reply ({@code subscribed} or an error). */
    public JsonNode subscribe(String channel) {
        return reply(send(Map.of("op", "subscribe", "channel", channel)));
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

    /** The close code once the server closes the connection (1006 when it dropped without a close frame). */
    public int awaitClose() {
        try {
            return closed.get(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS);
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
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null);
        }
    }
}
