package io.heliograph.fetcher.summary;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.fetcher.testing.ChannelHistory;
import io.heliograph.fetcher.testing.FetcherProcess;
import io.heliograph.fetcher.testing.StubApis;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;

/**
 * The default mode, as the packaged service runs it: with no keys, summaries and prices stream from
 * the simulator at once when the APIs do not answer, and the summary turns live when they do.
 */
class AutoModeIT {

    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    static final Duration WAIT = Duration.ofSeconds(60);

    static StubApis apis;
    static Vertx vertx;
    static RedisAPI redis;

    @BeforeAll
    static void setUp() {
        apis = new StubApis().start();
        vertx = Vertx.vertx();
        redis = RedisAPI.api(Redis.createClient(vertx, REDIS_URL));
        assertThat(redis.ping(List.of()).await().atMost(Duration.ofSeconds(10)).toString()).isEqualTo("PONG");
    }

    @AfterAll
    static void tearDown() {
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (apis != null) {
            apis.stop();
        }
    }

    static List<JsonNode> frames(String channel) {
        Response range = redis.xrange(List.of(ChannelName.of(channel).historyKey(), "-", "+")).await().atMost(WAIT);
        List<JsonNode> frames = new java.util.ArrayList<>();
        for (Response entry : range) {
            frames.add(ChannelHistory.parse(entry.get(1).get(1).toString()));
        }
        return frames;
    }

    static FetcherProcess start(String run, String apiBaseUrl) throws Exception {
        // No mode set: the default (auto) is under test.
        return FetcherProcess.start("auto-" + run, Map.of(
                "heliograph.fetcher.redis-key-prefix", "it-" + run + ":",
                "heliograph.fetcher.channels.summary", "crypto.summary-" + run,
                "heliograph.fetcher.channels.price-prefix", "prices.it" + run + "-",
                "quarkus.redis.hosts", REDIS_URL,
                "quarkus.rest-client.coingecko.url", apiBaseUrl,
                "quarkus.rest-client.feargreed.url", apiBaseUrl));
    }

    @Test
    void withoutReachableApisEverythingIsSimulatedFromTheFirstSecond() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Nothing listens on port 1: the offline case.
        try (FetcherProcess fetcher = start(run, "http://127.0.0.1:1")) {
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
        try (FetcherProcess fetcher = start(run, apis.baseUrl())) {
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
