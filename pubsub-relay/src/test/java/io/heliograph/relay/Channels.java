package io.heliograph.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;

/** Reads what browsers would get, straight from the channel's history stream in the shared Redis. */
public final class Channels {

    public static final String KEY = "test-publisher-key";
    public static final String BLOGS_ONLY_KEY = "test-blogs-only-key";
    public static final String UNCONFIGURED_KEY = "test-unconfigured-key";
    public static final String THROTTLED_KEY = "test-throttled-key";
    /** May publish to the {@code load} namespace only, whose history keeps 100,000 frames in the tests. */
    public static final String LOAD_KEY = "test-load-key";
    /** The example CRUD backend's key of the test profile ({@code %test.heliograph.relay.crud-key}). */
    public static final String CRUD_KEY = "test-crud-key";

    /** A request to the example CRUD backend's write endpoints, with its key. */
    public static io.restassured.specification.RequestSpecification crud() {
        return io.restassured.RestAssured.given().header("Authorization", "Bearer " + CRUD_KEY);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Channels() {
    }

    /** A channel no other test run uses: {@code <namespace>.t-<random>}. */
    public static String fresh(String namespace) {
        return namespace + ".t-" + UUID.randomUUID().toString().substring(0, 12);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** The frames in the channel's history, oldest first. */
    public static List<JsonNode> history(RedisDataSource redis, String channel) {
        Response entries = redis.execute("XRANGE", "hg:{" + channel + "}:history", "-", "+");
        List<JsonNode> frames = new ArrayList<>();
        for (Response entry : entries) {
            Response fields = entry.get(1);
            try {
                frames.add(MAPPER.readTree(fields.get(1).toString()));
            } catch (JsonProcessingException e) {
                throw new AssertionError("a history entry is not JSON", e);
            }
        }
        return frames;
    }

    /** The frames of the channel's latest history whose event data has {@code field} equal to {@code value}. */
    public static List<JsonNode> framesWith(RedisDataSource redis, String channel, String field, String value) {
        return history(redis, channel).stream()
                .filter(f -> value.equals(f.path("event").path("data").path(field).asText()))
                .toList();
    }
}
