package io.heliograph.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An independent protocol client on the JDK's WebSocket, as any third-party client would be. */
public final class JdkWsClient implements AutoCloseable {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(15);

    private final WebSocket socket;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private long nextId = 1;

    private JdkWsClient(URI uri) {
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
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(uri, listener).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public static JdkWsClient connect(ServiceProcess gateway) {
        return connect(gateway, "/ws");
    }

    public static JdkWsClient connect(ServiceProcess gateway, String path) {
        return new JdkWsClient(URI.create("ws://127.0.0.1:" + gateway.port + path));
    }

    public long send(Map<String, Object> command) {
        long id = nextId++;
        Map<String, Object> withId = new java.util.LinkedHashMap<>(command);
        withId.put("id", id);
        try {
            socket.sendText(MAPPER.writeValueAsString(withId), true).join();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

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

    public JsonNode next() {
        try {
            return MAPPER.readTree(nextRaw());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Skips frames until one matches. */
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

    /** Subscribes and returns the {@code subscribed} reply. */
    public JsonNode subscribe(String channel) {
        long id = send(Map.of("op", "subscribe", "channel", channel));
        return await(f -> f.path("id").asLong(-1) == id);
    }

    public int awaitClose() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed", e);
        }
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null);
        }
    }
}
