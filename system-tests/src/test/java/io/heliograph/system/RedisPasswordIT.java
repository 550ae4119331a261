package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.heliograph.testkit.RedisServer;
import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;

/**
 * Every service works against a Redis that requires a password, given in the URL as an operator
 * would ({@code redis://:secret@host:port}): ready means it authenticated, and an event goes from
 * the relay through Redis to a gateway's client.
 */
class RedisPasswordIT {

    @Test
    void everyServiceAuthenticatesWithThePasswordInTheUrl() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String key = "it-" + UUID.randomUUID();
        String channel = "recipes.pw" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer redis = new RedisServer(false, password)) {
            assertThat(redis.url()).contains(":" + password + "@");
            Map<String, String> env = ServiceProcess.env("QUARKUS_REDIS_HOSTS", redis.url());
            Map<String, String> relayEnv = ServiceProcess.env("QUARKUS_REDIS_HOSTS", redis.url(),
                    "HELIOGRAPH_RELAY_PUBLISHER_KEY", key);
            try (ServiceProcess gateway = Services.start("gateway-service", "pw-gateway", env);
                    ServiceProcess relay = Services.start("pubsub-relay", "pw-relay", relayEnv);
                    ServiceProcess fetcher = ServiceProcess.of("fetcher-service").name("pw-fetcher").env(env)
                            .properties(Map.of("heliograph.fetcher.mode", "simulated")).jvmArgs("-Xmx160m")
                            .withoutEnv("TAAPI_SECRET", "TWELVE_DATA_API_KEY", "COINGECKO_API_KEY", "FETCHER_MODE")
                            .startupTimeout(Duration.ofSeconds(120)).start();
                    ServiceProcess monitor = Services.start("consumer-monitor-service", "pw-monitor", env);
                    WsClient ws = Services.ws(gateway)) {
                ws.next();
                assertThat(ws.subscribe(channel).path("op").asText()).isEqualTo("subscribed");
                HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        relay.uri().resolve("/api/events")).header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel
                                + "\",\"type\":\"recipe:created\",\"data\":{\"id\":1}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
                assertThat(ws.await(f -> f.path("op").asText().equals("event") && f.path("channel").asText().equals(channel))
                        .path("offset").asLong()).isEqualTo(1);
                for (ServiceProcess service : new ServiceProcess[] { gateway, relay, fetcher, monitor }) {
                    assertThat(service.status("/q/health/ready")).as(service.toString()).isEqualTo(200);
                }
            }
        }
    }
}
