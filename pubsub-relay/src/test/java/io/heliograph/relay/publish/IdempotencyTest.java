package io.heliograph.relay.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class IdempotencyTest {

    @Inject
    RedisDataSource redis;

    static ExtractableResponse<Response> post(String key, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + key).body(body)
                .post("/api/events").then().extract();
    }

    @Test
    void repeatedIdIsPublishedOnceAndAnswersTheFirstResult() {
        String channel = Channels.fresh("recipes");
        String id = Channels.unique("evt");
        Map<String, Object> event = Map.of("channel", channel, "type", "recipe:created", "id", id, "data", 1);

        ExtractableResponse<Response> first = post(Channels.KEY, event);
        ExtractableResponse<Response> second = post(Channels.KEY, event);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.body().asString()).isEqualTo(first.body().asString());
        assertThat(first.jsonPath().getString("id")).isEqualTo(id);
        assertThat(Channels.history(redis, channel)).hasSize(1);
        assertThat(redis.key().ttl("hg:{" + channel + "}:idem:default:" + id)).isBetween(23 * 3600L, 24 * 3600L);
    }

    @Test
    void concurrentDuplicatesArePublishedOnce() throws Exception {
        String channel = Channels.fresh("recipes");
        String id = Channels.unique("evt");
        Map<String, Object> event = Map.of("channel", channel, "type", "recipe:created", "id", id, "data", 1);
        int copies = 64;
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post(Channels.KEY, event);
                }));
            }
            start.countDown();
            List<String> bodies = new ArrayList<>();
            for (Future<ExtractableResponse<Response>> answer : answers) {
                ExtractableResponse<Response> response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(202);
                bodies.add(response.body().asString());
            }
            assertThat(bodies).containsOnly(bodies.get(0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(Channels.history(redis, channel)).hasSize(1);
    }

    @Test
    void refusedEventDoesNotUseUpItsId() {
        String channel = Channels.fresh("recipes");
        String id = Channels.unique("evt");

        assertThat(post(Channels.KEY, Map.of("channel", channel, "type", "recipe:created", "id", id,
                "data", "x".repeat(70_000))).statusCode()).isEqualTo(413);
        ExtractableResponse<Response> retry = post(Channels.KEY,
                Map.of("channel", channel, "type", "recipe:created", "id", id, "data", "small"));

        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(Channels.history(redis, channel)).hasSize(1);
    }

    @Test
    void idsBelongToTheirKey() {
        String channel = Channels.fresh("blogs");
        String id = Channels.unique("evt");
        Map<String, Object> event = Map.of("channel", channel, "type", "blog:created", "id", id, "data", 1);

        assertThat(post(Channels.KEY, event).jsonPath().getInt("offset")).isEqualTo(1);
        assertThat(post(Channels.BLOGS_ONLY_KEY, event).jsonPath().getInt("offset")).isEqualTo(2);
    }

    @Test
    void duplicatesInsideABatchArePublishedOnce() {
        String channel = Channels.fresh("recipes");
        String id = Channels.unique("evt");
        Map<String, Object> event = Map.of("channel", channel, "type", "recipe:created", "id", id, "data", 1);

        var results = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Channels.KEY)
                .body(Map.of("events", List.of(event, event))).post("/api/events/batch")
                .then().statusCode(200).extract().jsonPath();

        assertThat(results.getInt("results[0].offset")).isEqualTo(1);
        assertThat(results.getInt("results[1].offset")).isEqualTo(1);
        assertThat(Channels.history(redis, channel)).hasSize(1);
    }
}
