package io.heliograph.relay;

import static io.heliograph.relay.Channels.crud;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.heliograph.testkit.RedisServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The relay against its OWN redis-server, which the test stops and starts again (the shared Redis of
 * the other engineers' tests is never touched).
 */
@QuarkusTest
@TestProfile(RedisDownTest.OwnRedis.class)
class RedisDownTest {

    /** Points the relay at a private redis-server on a free port. */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrivateRedis.class, Map.of(), true));
        }
    }

    /** Starts a private redis-server before the application and stops it afterwards. */
    public static class PrivateRedis implements QuarkusTestResourceLifecycleManager {

        static RedisServer redis;

        @Override
        public Map<String, String> start() {
            redis = new RedisServer(false);
            return Map.of("quarkus.redis.hosts", redis.url(),
                    "heliograph.relay.redis-timeout", "2s",
                    "heliograph.publish-timeout", "2s");
        }

        @Override
        public void stop() {
            redis.close();
        }
    }

    static io.restassured.response.ValidatableResponse publish(Object body, String path) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Channels.KEY).body(body)
                .post(path).then();
    }

    @Test
    void redisDownIs503WithRetryAfterAndNothingIsAcknowledged() {
        String channel = Channels.fresh("recipes");
        String id = Channels.unique("evt");
        Map<String, Object> event = Map.of("channel", channel, "type", "recipe:created", "id", id, "data", 1);
        publish(Map.of("channel", channel, "type", "recipe:created", "data", 0), "/api/events").statusCode(202)
                .body("offset", equalTo(1));

        PrivateRedis.redis.stop();
        try {
            publish(event, "/api/events").statusCode(503).header("Retry-After", "1")
                    .contentType("application/problem+json").body("code", equalTo("unavailable"));
            publish(Map.of("channel", channel, "type", "recipe:created", "data", 2), "/api/events").statusCode(503)
                    .header("Retry-After", "1");
            publish(Map.of("events", List.of(event)), "/api/events/batch").statusCode(503)
                    .header("Retry-After", "1");
            crud().contentType(ContentType.JSON).body(Map.of("title", "offline")).post("/api/recipes")
                    .then().statusCode(503).header("Retry-After", "1");
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            PrivateRedis.redis.start();
        }

        // Redis is back, empty: the refused event's id was never taken, so the retry publishes it.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> publish(event, "/api/events").statusCode(202).body("id", equalTo(id)));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
