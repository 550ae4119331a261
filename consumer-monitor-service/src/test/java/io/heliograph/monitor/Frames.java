package io.heliograph.monitor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();

    private Frames(String channel) throws Exception {
        connection = Redis.createClient(vertx, REDIS).connect().toCompletionStage().toCompletableFuture()
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
        try {
            return new Frames(channel);
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe to Redis at " + REDIS, e);
        }
    }

    public List<JsonNode> all() {
        return List.copyOf(frames);
    }

    public List<JsonNode> matching(Predicate<JsonNode> filter) {
        return frames.stream().filter(filter).toList();
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
