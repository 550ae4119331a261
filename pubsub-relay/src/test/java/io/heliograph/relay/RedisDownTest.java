package io.heliograph.relay;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

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

    /** Starts {@code redis-server --port <free>} before the application and kills it afterwards. */
    public static class PrivateRedis implements QuarkusTestResourceLifecycleManager {

        static int port;
        static Process process;

        @Override
        public Map<String, String> start() {
            port = freePort();
            startServer();
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port,
                    "heliograph.relay.redis-timeout", "2s",
                    "heliograph.publish-timeout", "2s");
        }

        @Override
        public void stop() {
            stopServer();
        }

        static void startServer() {
            try {
                process = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--save", "",
                        "--appendonly", "no", "--bind", "127.0.0.1").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start /usr/bin/redis-server", e);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> accepts(port));
        }

        static void stopServer() {
            if (process != null) {
                process.destroy();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }

        static boolean accepts(int port) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
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

        PrivateRedis.stopServer();
        try {
            publish(event, "/api/events").statusCode(503).header("Retry-After", "1")
                    .contentType("application/problem+json").body("code", equalTo("unavailable"));
            publish(Map.of("channel", channel, "type", "recipe:created", "data", 2), "/api/events").statusCode(503)
                    .header("Retry-After", "1");
            publish(Map.of("events", List.of(event)), "/api/events/batch").statusCode(503)
                    .header("Retry-After", "1");
            given().contentType(ContentType.JSON).body(Map.of("title", "offline")).post("/api/recipes")
                    .then().statusCode(503).header("Retry-After", "1");
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            PrivateRedis.startServer();
        }

        // Redis is back, empty: the refused event's id was never taken, so the retry publishes it.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> publish(event, "/api/events").statusCode(202).body("id", equalTo(id)));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
