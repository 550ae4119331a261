package io.heliograph.monitor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;

/**
 * Collects every frame published on a Heliograph channel by SUBSCRIBEing to its Redis Pub/Sub
 * channel {@code hg:{C}}: the bytes a gateway forwards to WebSocket clients unchanged.
 */
public final class Frames implements AutoCloseable {

    public static final String REDIS = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final RedisConnection connection;
    // Not copy-on-write: a fault test collects tens of thousands of frames.
    private final List<JsonNode> frames = Collections.synchronizedList(new ArrayList<>());

    private Frames(String redisUrl, String channel) throws Exception {
        connection = Redis.createClient(vertx, redisUrl).connect().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        connection.handler(message -> {
            if (message.size() >= 3 && "message".equals(message.get(0).toString())) {
                try {
                    frames.add(MAPPER.readTree(message.get(2).toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        RedisAPI.api(connection).subscribe(List.of("hg:{" + channel + "}")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    public static Frames subscribe(String channel) {
        return subscribe(REDIS, channel);
    }

    /** Subscribes on another Redis than the shared one (a test's own {@code RedisServer}). */
    public static Frames subscribe(String redisUrl, String channel) {
        try {
            return new Frames(redisUrl, channel);
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe to Redis at " + redisUrl, e);
        }
    }

    /**
     * Per log id, the terminal states ({@code processing-completed} / {@code processing-failed}) its frames
     * carried, with how many frames: every record should have exactly one state.
     */
    public Map<String, Set<String>> terminalStates() {
        Map<String, Set<String>> states = new HashMap<>();
        for (JsonNode frame : all()) {
            String type = type(frame);
            if (type.equals("processing-completed") || type.equals("processing-failed")) {
                states.computeIfAbsent(frame.path("event").path("data").path("logId").asText(), k -> new HashSet<>()).add(type);
            }
        }
        return states;
    }

    /** How many terminal frames arrived (one per record, plus any repeat of a record's event after a fault). */
    public long terminalFrames() {
        return all().stream().filter(f -> type(f).startsWith("processing-completed") || type(f).equals("processing-failed")).count();
    }

    public List<JsonNode> all() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    public List<JsonNode> matching(Predicate<JsonNode> filter) {
        return all().stream().filter(filter).toList();
    }

    /** The frames whose event subject is the given log id, in arrival order. */
    public List<JsonNode> forLog(String logId) {
        return matching(f -> logId.equals(f.path("event").path("subject").asText()));
    }

    public static String type(JsonNode frame) {
        return frame.path("event").path("type").asText();
    }

    @Override
    public void close() {
        connection.close();
        vertx.close();
    }
}
