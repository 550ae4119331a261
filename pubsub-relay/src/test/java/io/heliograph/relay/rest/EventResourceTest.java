package io.heliograph.relay.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.relay.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class EventResourceTest {

    @Inject
    RedisDataSource redis;

    static ValidatableResponse post(String key, Object body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request.post("/api/events").then();
    }

    static void assertProblem(ValidatableResponse response, int status, String code) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("code", equalTo(code))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    @Test
    void publishedEventIsInRedisWithItsPosition() {
        String channel = Channels.fresh("recipes");
        Map<String, Object> body = Map.of("channel", channel, "type", "recipe:created",
                "data", Map.of("id", 42, "title", "Pho"), "subject", "recipes/42");

        post(Channels.KEY, body).statusCode(202)
                .body("channel", equalTo(channel))
                .body("offset", equalTo(1))
                .body("epoch", notNullValue())
                .body("id", notNullValue());

        List<JsonNode> frames = Channels.history(redis, channel);
        assertThat(frames).hasSize(1);
        JsonNode event = frames.get(0).path("event");
        assertThat(event.path("source").asText()).isEqualTo("/pubsub-relay");
        assertThat(event.path("type").asText()).isEqualTo("recipe:created");
        assertThat(event.path("subject").asText()).isEqualTo("recipes/42");
        assertThat(event.path("data").path("title").asText()).isEqualTo("Pho");
    }

    @Test
    void missingKeyIs401() {
        assertProblem(post(null, Map.of("channel", Channels.fresh("recipes"), "type", "t", "data", 1)), 401,
                "unauthorized");
        post(null, Map.of()).header("WWW-Authenticate", "Bearer");
    }

    @Test
    void unknownKeyIs401() {
        String channel = Channels.fresh("recipes");
        assertProblem(post("not-a-key", Map.of("channel", channel, "type", "t", "data", 1)), 401, "unauthorized");
        assertProblem(given().contentType(ContentType.JSON).header("Authorization", "Basic dGVzdA==")
                .body(Map.of("channel", channel, "type", "t")).post("/api/events").then(), 401, "unauthorized");
        assertThat(Channels.history(redis, channel)).isEmpty();
    }

    @Test
    void namespaceOutsideTheKeysAllowListIs403() {
        String channel = Channels.fresh("recipes");
        assertProblem(post(Channels.BLOGS_ONLY_KEY, Map.of("channel", channel, "type", "t", "data", 1)), 403,
                "forbidden");
        post(Channels.BLOGS_ONLY_KEY, Map.of("channel", Channels.fresh("blogs"), "type", "t", "data", 1))
                .statusCode(202);
        assertThat(Channels.history(redis, channel)).isEmpty();
    }

    @Test
    void namespaceTheKeyAllowsButNobodyConfiguredIs403() {
        assertProblem(post(Channels.UNCONFIGURED_KEY, Map.of("channel", Channels.fresh("nowhere"), "type", "t")),
                403, "forbidden");
    }

    @Test
    void defaultKeyMayNotPublishToServiceNamespaces() {
        assertProblem(post(Channels.KEY, Map.of("channel", "system.gateways", "type", "gateway-stats")), 403,
                "forbidden");
    }

    @Test
    void defaultKeyMayNotPublishIntoChatWhereOnlyClientsUnderTheChatRulesWrite() {
        String channel = Channels.fresh("chat");
        assertProblem(post(Channels.KEY, Map.of("channel", channel, "type", "chat:message",
                "data", Map.of("name", "relay", "text", "spoofed"))), 403, "forbidden");
        assertThat(Channels.history(redis, channel)).isEmpty();
    }

    @Test
    void invalidChannelIs400() {
        assertProblem(post(Channels.KEY, Map.of("channel", "Recipes!", "type", "t")), 400, "invalid_channel");
        assertProblem(post(Channels.KEY, Map.of("type", "t")), 400, "invalid_channel");
    }

    @Test
    void invalidTypeIs400() {
        String channel = Channels.fresh("recipes");
        assertProblem(post(Channels.KEY, Map.of("channel", channel, "type", "no spaces")), 400, "bad_request");
        assertProblem(post(Channels.KEY, Map.of("channel", channel)), 400, "bad_request");
        assertThat(Channels.history(redis, channel)).isEmpty();
    }

    @Test
    void invalidIdIs400() {
        String channel = Channels.fresh("recipes");
        assertProblem(post(Channels.KEY, Map.of("channel", channel, "type", "t", "id", "")), 400, "bad_request");
        assertProblem(post(Channels.KEY, Map.of("channel", channel, "type", "t", "id", "x".repeat(129))), 400,
                "bad_request");
    }

    @Test
    void malformedBodyIs400() {
        assertProblem(given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Channels.KEY)
                .body("{\"channel\": ").post("/api/events").then(), 400, "bad_request");
        assertProblem(given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Channels.KEY)
                .post("/api/events").then(), 400, "bad_request");
    }

    @Test
    void eventOver64KiBIs413() {
        String channel = Channels.fresh("recipes");
        assertProblem(post(Channels.KEY, Map.of("channel", channel, "type", "t", "data", "x".repeat(70_000))), 413,
                "too_large");
        assertThat(Channels.history(redis, channel)).isEmpty();
    }

    @Test
    void bodyOverTheHttpLimitIs413() throws Exception {
        // Expect: 100-continue lets the relay refuse by Content-Length before the client streams 9 MiB.
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + "/api/events")).expectContinue(true)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + Channels.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void keyOverItsRateLimitGets429WithRetryAfter() {
        String channel = Channels.fresh("recipes");
        // The throttled key allows 2 events a second: ten in a row cannot all pass.
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            var response = post(Channels.THROTTLED_KEY, Map.of("channel", channel, "type", "t", "data", i))
                    .extract();
            if (response.statusCode() == 429) {
                limited++;
                assertThat(response.contentType()).startsWith("application/problem+json");
                assertThat(response.path("code").toString()).isEqualTo("rate_limited");
                assertThat(Integer.parseInt(response.header("Retry-After"))).isGreaterThanOrEqualTo(1);
            } else {
                assertThat(response.statusCode()).isEqualTo(202);
            }
        }
        assertThat(limited).isPositive();
        assertThat(Channels.history(redis, channel)).hasSize(10 - limited);
    }

    @Test
    void openApiDescribesThePublishApi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/events/batch"))
                .body(containsString("/api/recipes"));
    }

    @Test
    void healthIsUpWithRedis() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
