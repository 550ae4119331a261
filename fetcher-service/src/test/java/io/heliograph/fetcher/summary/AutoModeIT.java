package io.heliograph.fetcher.summary;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.fetcher.testing.ChannelHistory;
import io.heliograph.fetcher.testing.Fetchers;
import io.heliograph.fetcher.testing.ItBackends;
import io.heliograph.testkit.ServiceProcess;
import io.vertx.mutiny.redis.client.Response;

/**
 * The default mode, as the packaged service runs it: with no keys, summaries and prices stream from
 * the simulator at once when the APIs do not answer, and the summary turns live when they do.
 */
class AutoModeIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ItBackends BACKENDS = new ItBackends();

    static List<JsonNode> frames(String channel) {
        Response range = BACKENDS.redis().xrange(List.of(ChannelName.of(channel).historyKey(), "-", "+"))
                .await().atMost(WAIT);
        List<JsonNode> frames = new java.util.ArrayList<>();
        for (Response entry : range) {
            frames.add(ChannelHistory.parse(entry.get(1).get(1).toString()));
        }
        return frames;
    }

    static ServiceProcess start(String run, String apiBaseUrl) throws Exception {
        // No mode set: the default (auto) is under test.
        return Fetchers.start("auto-" + run, Map.of(
                "heliograph.fetcher.redis-key-prefix", "it-" + run + ":",
                "heliograph.fetcher.channels.summary", "crypto.summary-" + run,
                "heliograph.fetcher.channels.price-prefix", "prices.it" + run + "-",
                "quarkus.redis.hosts", ItBackends.REDIS_URL,
                "quarkus.rest-client.coingecko.url", apiBaseUrl,
                "quarkus.rest-client.feargreed.url", apiBaseUrl));
    }

    @Test
    void withoutReachableApisEverythingIsSimulatedFromTheFirstSecond() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Nothing listens on port 1: the offline case.
        try (ServiceProcess fetcher = start(run, "http://127.0.0.1:1")) {
            await().atMost(WAIT).until(() -> !frames("crypto.summary-" + run).isEmpty()
                    && frames("prices.it" + run + "-btc-usd").size() >= 2
                    && frames("prices.it" + run + "-gbp-usd").size() >= 2);
            JsonNode summary = frames("crypto.summary-" + run).get(0).get("event").get("data");
            assertThat(summary.get("simulated").asBoolean()).isTrue();
            assertThat(summary.get("fearGreed").get("value").isInt()).isTrue();
            assertThat(frames("prices.it" + run + "-btc-usd").get(0).get("event").get("data").get("simulated").asBoolean())
                    .isTrue();
            var body = given().port(fetcher.port()).get("/api/crypto/dashboard-summary").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(body.getBoolean("simulated")).isTrue();
            await().atMost(WAIT).until(() -> fetcher.log().contains("summaries stay simulated"));
        }
    }

    @Test
    void theSummaryTurnsLiveWhenTheKeylessApisAnswer() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (ServiceProcess fetcher = start(run, BACKENDS.apis().baseUrl())) {
            await().atMost(WAIT).until(() -> frames("crypto.summary-" + run).stream()
                    .anyMatch(f -> !f.get("event").get("data").get("simulated").asBoolean()));
            JsonNode live = frames("crypto.summary-" + run).stream().map(f -> f.get("event").get("data"))
                    .filter(d -> !d.get("simulated").asBoolean()).findFirst().orElseThrow();
            assertThat(live.get("btcPriceUsd").asDouble()).isEqualTo(97123.5);
            assertThat(live.get("fearGreed").get("value").asInt()).isEqualTo(72);
            assertThat(live.get("rsi").isNull()).as("no TAAPI secret").isTrue();
            assertThat(live.get("sources").has("taapi")).isFalse();
            // No Twelve Data key: prices stay simulated.
            await().atMost(WAIT).until(() -> !frames("prices.it" + run + "-aapl").isEmpty());
            assertThat(frames("prices.it" + run + "-aapl").get(0).get("event").get("data").get("feed").asText())
                    .isEqualTo("simulator");
        }
    }
}
