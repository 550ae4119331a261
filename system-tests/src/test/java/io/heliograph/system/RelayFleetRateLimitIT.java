package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.testkit.ServiceProcess;

/**
 * A publisher key's rate limit holds for the relays together, not per relay: what one relay let through is gone for
 * the other, which answers 429 with Retry-After (the bucket is in Redis, shared by both processes).
 */
class RelayFleetRateLimitIT {

    @Test
    void twoRelaysShareOneKeysLimit() throws Exception {
        String name = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "it-" + UUID.randomUUID();
        // One event a second: the whole bucket is one event, so the second request finds it empty (a second relay
        // with its own bucket would let it through).
        Map<String, String> properties = Map.of("heliograph.relay.keys.\"" + name + "\".secret", secret,
                "heliograph.relay.keys.\"" + name + "\".namespaces", "recipes",
                "heliograph.relay.keys.\"" + name + "\".rate-limit", "1");
        String defaultKey = "it-" + UUID.randomUUID();
        Map<String, String> env = ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", defaultKey);
        try (ServiceProcess first = relay("it-limit-a", env, properties);
                ServiceProcess second = relay("it-limit-b", env, properties)) {
            String channel = "recipes.limit-" + UUID.randomUUID().toString().substring(0, 8);
            // A first publish on each relay with another key, so the two below follow each other closely (a cold
            // relay's first request can take a while on a busy machine; the bucket refills in one second).
            assertThat(post(first, defaultKey, channel).statusCode()).isEqualTo(202);
            assertThat(post(second, defaultKey, channel).statusCode()).isEqualTo(202);

            HttpResponse<String> accepted = post(first, secret, channel);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

            HttpResponse<String> refused = post(second, secret, channel);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(new ObjectMapper().readTree(refused.body()).path("code").asText()).isEqualTo("rate_limited");
        }
    }

    static ServiceProcess relay(String name, Map<String, String> env, Map<String, String> properties) {
        return ServiceProcess.of("pubsub-relay").name(name).env(env).properties(properties).jvmArgs("-Xmx256m")
                .gracefulClose(Duration.ofSeconds(15))
                .missingJarHint("run `mvn package` first (the reactor builds it before this module)").start();
    }

    static HttpResponse<String> post(ServiceProcess relay, String key, String channel) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(relay.uri().resolve("/api/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel
                        + "\",\"type\":\"recipe:created\",\"data\":{\"id\":1}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
