package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * The first end-to-end slice: a backend POSTs to pubsub-relay, and WebSocket clients of two
 * separate gateway processes receive exactly the frame the publish script stored.
 */
class RelayToGatewayIT {

    static final String KEY = "it-" + UUID.randomUUID();
    /** The example CRUD backend's own key: its writes need it, and it publishes with it. */
    static final String CRUD_KEY = "it-crud-" + UUID.randomUUID();
    static ServiceProcess gatewayA;
    static ServiceProcess gatewayB;
    static ServiceProcess relay;
    static ServiceProcess secondRelay;

    @BeforeAll
    static void start() {
        gatewayA = Services.start("gateway-service", "it-gateway-a", ServiceProcess.env("HELIOGRAPH_NODE_ID", "it-gateway-a"));
        gatewayB = Services.start("gateway-service", "it-gateway-b", ServiceProcess.env("HELIOGRAPH_NODE_ID", "it-gateway-b"));
        relay = Services.start("pubsub-relay", "it-relay", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", KEY,
                "HELIOGRAPH_RELAY_CRUD_KEY", CRUD_KEY));
        secondRelay = Services.start("pubsub-relay", "it-relay-2", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", KEY,
                "HELIOGRAPH_RELAY_CRUD_KEY", CRUD_KEY));
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess p : new ServiceProcess[] { secondRelay, relay, gatewayB, gatewayA }) {
            if (p != null) {
                p.close();
            }
        }
    }

    static HttpResponse<String> post(String body, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(relay.uri().resolve("/api/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRelayPublishReachesClientsOfBothGatewaysByteForByte() throws Exception {
        String channel = "recipes.it" + UUID.randomUUID().toString().substring(0, 8);
        try (WsClient a = Services.ws(gatewayA); WsClient b = Services.ws(gatewayB)) {
            assertThat(a.next().path("node").asText()).isEqualTo("it-gateway-a");
            assertThat(b.next().path("node").asText()).isEqualTo("it-gateway-b");
            assertThat(a.subscribe(channel).path("op").asText()).isEqualTo("subscribed");
            assertThat(b.subscribe(channel).path("op").asText()).isEqualTo("subscribed");

            HttpResponse<String> response = post("{\"channel\":\"" + channel
                    + "\",\"type\":\"recipe:created\",\"data\":{\"id\":42,\"title\":\"Pho\"}}", KEY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonNode accepted = WsClient.MAPPER.readTree(response.body());

            String frameA = a.nextRaw();
            String frameB = b.nextRaw();
            assertThat(frameA).isEqualTo(frameB);
            Vertx vertx = Vertx.vertx();
            Redis redis = Redis.createClient(vertx, ServiceProcess.REDIS_URL);
            try {
                String stored = RedisAPI.api(redis).xrange(List.of("hg:{" + channel + "}:history", "-", "+"))
                        .await().indefinitely().get(0).get(1).get(1).toString();
                assertThat(frameA).isEqualTo(stored);
            } finally {
                redis.close();
                vertx.closeAndAwait();
            }
            JsonNode frame = WsClient.MAPPER.readTree(frameA);
            assertThat(frame.path("op").asText()).isEqualTo("event");
            assertThat(frame.path("offset").asLong()).isEqualTo(accepted.path("offset").asLong());
            assertThat(frame.path("epoch").asText()).isEqualTo(accepted.path("epoch").asText());
            assertThat(frame.path("event").path("id").asText()).isEqualTo(accepted.path("id").asText());
            assertThat(frame.path("event").path("type").asText()).isEqualTo("recipe:created");
            assertThat(frame.path("event").path("source").asText()).isEqualTo("/pubsub-relay");
            assertThat(frame.path("event").path("data").path("title").asText()).isEqualTo("Pho");
        }
    }

    @Test
    void aWrongKeyIsRefusedAndNothingIsDelivered() throws Exception {
        String channel = "recipes.it" + UUID.randomUUID().toString().substring(0, 8);
        try (WsClient a = Services.ws(gatewayA)) {
            a.next();
            a.subscribe(channel);
            HttpResponse<String> response = post("{\"channel\":\"" + channel + "\",\"type\":\"recipe:created\",\"data\":{}}",
                    "wrong-key");
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            a.send(java.util.Map.of("op", "ping"));
            assertThat(a.next().path("op").asText()).isEqualTo("pong");
        }
    }

    /** Two backends behind a load balancer: a write through either reaches browsers on every gateway. */
    @Test
    void aCreateThroughEitherBackendReachesClientsOfBothGateways() throws Exception {
        try (WsClient a = Services.ws(gatewayA); WsClient b = Services.ws(gatewayB)) {
            a.next();
            b.next();
            a.subscribe("recipes");
            b.subscribe("recipes");
            for (ServiceProcess backend : new ServiceProcess[] { relay, secondRelay }) {
                String title = "Bun cha " + UUID.randomUUID();
                HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(backend.uri().resolve("/api/recipes"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + CRUD_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"" + title
                                + "\",\"ingredients\":[\"rice noodles\",\"pork\"],\"minutes\":40}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                for (WsClient client : new WsClient[] { a, b }) {
                    JsonNode event = client.await(f -> f.path("event").path("type").asText().equals("recipe:created")
                            && f.path("event").path("data").path("title").asText().equals(title));
                    assertThat(event.path("event").path("source").asText()).isEqualTo("/pubsub-relay");
                }
                String id = WsClient.MAPPER.readTree(created.body()).path("id").asText();
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(backend.uri().resolve("/api/recipes/" + id))
                        .header("Authorization", "Bearer " + CRUD_KEY).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
    }
}
