package io.heliograph.relay.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class BatchTest {

    @Inject
    RedisDataSource redis;

    static ValidatableResponse batch(String key, Object events) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + key)
                .body(Map.of("events", events)).post("/api/events/batch").then();
    }

    @Test
    void partialFailureAnswersOneResultPerEventInOrder() {
        String channel = Channels.fresh("recipes");
        List<Map<String, Object>> events = List.of(
                Map.of("channel", channel, "type", "recipe:created", "data", Map.of("n", 1)),
                Map.of("channel", "Not Valid", "type", "recipe:created"),
                Map.of("channel", Channels.fresh("system"), "type", "recipe:created"),
                Map.of("channel", channel, "type", "bad type"),
                Map.of("channel", channel, "type", "recipe:created", "data", "x".repeat(70_000)),
                Map.of("channel", channel, "type", "recipe:updated", "data", Map.of("n", 2)));

        JsonPath results = batch(Channels.KEY, events).statusCode(200).extract().jsonPath();

        assertThat(results.getList("results")).hasSize(6);
        assertThat(results.getInt("results[0].offset")).isEqualTo(1);
        assertThat(results.getInt("results[1].status")).isEqualTo(400);
        assertThat(results.getString("results[1].code")).isEqualTo("invalid_channel");
        assertThat(results.getInt("results[2].status")).isEqualTo(403);
        assertThat(results.getInt("results[3].status")).isEqualTo(400);
        assertThat(results.getInt("results[4].status")).isEqualTo(413);
        assertThat(results.getString("results[4].title")).isNotBlank();
        assertThat(results.getString("results[4].detail")).isNotBlank();
        assertThat(results.getInt("results[5].offset")).isEqualTo(2);
        assertThat(Channels.history(redis, channel))
                .extracting(f -> f.path("event").path("type").asText())
                .containsExactly("recipe:created", "recipe:updated");
    }

    @Test
    void eventsOfABatchKeepTheirOrder() {
        String channel = Channels.fresh("blogs");
        List<Map<String, Object>> events = IntStream.range(0, 100)
                .mapToObj(i -> Map.<String, Object>of("channel", channel, "type", "blog:created", "data", i))
                .toList();

        JsonPath results = batch(Channels.KEY, events).statusCode(200).extract().jsonPath();

        assertThat(results.getList("results.offset", Integer.class))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        assertThat(Channels.history(redis, channel)).extracting(f -> f.path("event").path("data").asInt())
                .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void eventsOfSeveralChannelsAreEachPublishedInOrderAroundARefusedOne() {
        String a = Channels.fresh("recipes");
        String b = Channels.fresh("blogs");
        String id = Channels.unique("evt");
        List<Map<String, Object>> events = List.of(
                Map.of("channel", a, "type", "recipe:created", "data", "a1"),
                Map.of("channel", b, "type", "blog:created", "data", "b1", "id", id),
                Map.of("channel", a, "type", "recipe:created", "data", "a2"),
                Map.of("channel", b, "type", "not valid", "data", "refused"),
                Map.of("channel", a, "type", "recipe:created", "data", "a3"),
                Map.of("channel", b, "type", "blog:created", "data", "b1 again", "id", id),
                Map.of("channel", b, "type", "blog:created", "data", "b2"));

        JsonPath results = batch(Channels.KEY, events).statusCode(200).extract().jsonPath();

        assertThat(results.getList("results.offset", Integer.class)).containsExactly(1, 1, 2, null, 3, 1, 2);
        assertThat(results.getList("results.channel", String.class)).containsExactly(a, b, a, null, a, b, b);
        assertThat(results.getInt("results[3].status")).isEqualTo(400);
        assertThat(results.getString("results[5].id")).isEqualTo(id);
        assertThat(Channels.history(redis, a)).extracting(f -> f.path("event").path("data").asText())
                .containsExactly("a1", "a2", "a3");
        assertThat(Channels.history(redis, b)).extracting(f -> f.path("event").path("data").asText())
                .containsExactly("b1", "b2");
    }

    @Test
    void moreThan100EventsIs413() {
        String channel = Channels.fresh("recipes");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            events.add(Map.of("channel", channel, "type", "t", "data", i));
        }
        batch(Channels.KEY, events).statusCode(413).contentType("application/problem+json")
                .body("code", equalTo("too_large"));
        assertThat(Channels.history(redis, channel)).isEmpty();
    }

    @Test
    void emptyBatchIs400() {
        batch(Channels.KEY, List.of()).statusCode(400).body("code", equalTo("bad_request"));
    }

    @Test
    void batchNeedsAKey() {
        batch("wrong", List.of(Map.of("channel", Channels.fresh("recipes"), "type", "t"))).statusCode(401);
    }

    @Test
    void batchRespectsTheKeysAllowList() {
        JsonPath results = batch(Channels.BLOGS_ONLY_KEY, List.of(
                Map.of("channel", Channels.fresh("recipes"), "type", "t"),
                Map.of("channel", Channels.fresh("blogs"), "type", "t"))).statusCode(200).extract().jsonPath();
        assertThat(results.getInt("results[0].status")).isEqualTo(403);
        assertThat(results.getInt("results[1].offset")).isEqualTo(1);
    }
}
