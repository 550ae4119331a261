package io.heliograph.fetcher.simulator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.testing.ChannelHistory;
import io.heliograph.fetcher.testing.SimulatedProfile;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/** Offline mode, as {@code ./heliograph up} runs it without keys: everything streams at once. */
@QuarkusTest
@TestProfile(SimulatedProfile.class)
class SimulatedModeTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    RedisDataSource redis;

    @Inject
    FetcherConfig config;

    @Inject
    FetcherIdentity identity;

    @Test
    void aSimulatedSummaryIsPublishedAtStartupWithEveryFieldAndKeepsMoving() {
        String channel = config.channels().summary();
        await().atMost(WAIT).until(() -> ChannelHistory.frames(redis, channel).size() >= 3);
        List<JsonNode> frames = ChannelHistory.frames(redis, channel);
        for (JsonNode frame : frames) {
            assertThat(frame.get("op").asText()).isEqualTo("event");
            JsonNode event = frame.get("event");
            assertThat(event.get("type").asText()).isEqualTo("dashboard-summary");
            assertThat(event.get("source").asText()).isEqualTo("/fetcher-service");
            JsonNode data = event.get("data");
            assertThat(data.get("simulated").asBoolean()).isTrue();
            assertThat(data.get("totalMarketCapUsd").asDouble()).isBetween(5e11, 2e13);
            assertThat(data.get("btcPriceUsd").asDouble()).isBetween(10_000.0, 1_000_000.0);
            assertThat(data.get("btcDominancePct").asDouble()).isBetween(40.0, 70.0);
            assertThat(data.get("marketCapChange24hPct").isNumber()).isTrue();
            assertThat(data.get("btcChange24hPct").isNumber()).isTrue();
            int fearGreed = data.get("fearGreed").get("value").asInt();
            assertThat(fearGreed).isBetween(0, 100);
            assertThat(data.get("fearGreed").get("classification").asText()).isEqualTo(MarketSimulator.classify(fearGreed));
            assertThat(data.get("rsi").get("value").asDouble()).isBetween(0.0, 100.0);
            assertThat(data.get("rsi").get("interval").asText()).isEqualTo("1d");
            assertThat(data.get("sources").get("coingeckoGlobal").get("status").asText()).isEqualTo("ok");
            assertThat(data.get("updatedAt").asText()).isNotBlank();
        }
        // The market moves: consecutive summaries differ.
        assertThat(frames.get(1).get("event").get("data").get("btcPriceUsd"))
                .isNotEqualTo(frames.get(0).get("event").get("data").get("btcPriceUsd"));
        // And the HTTP cache serves the latest one, with its 1 h TTL.
        JsonPath body = given().get("/api/crypto/dashboard-summary").then().statusCode(200).extract().jsonPath();
        assertThat(body.getBoolean("simulated")).isTrue();
        assertThat(redis.key().pttl(identity.summaryKey())).isBetween(3_500_000L, 3_600_000L);
    }

    @Test
    void everySymbolTicksEverySecondWithItsPreviousPrice() {
        for (String symbol : config.symbols()) {
            String channel = config.channels().pricePrefix() + io.heliograph.fetcher.price.PriceUpdate.slug(symbol);
            await().atMost(WAIT).until(() -> ChannelHistory.frames(redis, channel).size() >= 3);
        }
        List<JsonNode> btc = ChannelHistory.frames(redis, config.channels().pricePrefix() + "btc-usd");
        for (int i = 1; i < btc.size(); i++) {
            JsonNode data = btc.get(i).get("event").get("data");
            JsonNode before = btc.get(i - 1).get("event").get("data");
            assertThat(btc.get(i).get("event").get("type").asText()).isEqualTo("price-update");
            assertThat(data.get("symbol").asText()).isEqualTo("BTC/USD");
            assertThat(data.get("simulated").asBoolean()).isTrue();
            assertThat(data.get("feed").asText()).isEqualTo("simulator");
            assertThat(data.get("previousPrice").asDouble()).isEqualTo(before.get("price").asDouble());
            double change = (data.get("price").asDouble() / data.get("openPrice").asDouble() - 1) * 100;
            assertThat(data.get("changePct").asDouble()).isCloseTo(change, org.assertj.core.data.Offset.offset(0.001));
        }
        // One tick a second is the default cadence (this profile does not change it).
        assertThat(config.simulator().tickEvery()).isEqualTo(Duration.ofSeconds(1));
        JsonPath prices = given().get("/api/prices").then().statusCode(200).extract().jsonPath();
        assertThat(prices.getList("prices.symbol")).containsExactlyElementsOf(config.symbols());
        assertThat(prices.getList("prices.simulated", Boolean.class)).containsOnly(true);
        assertThat(prices.getList("prices.price", Float.class)).allMatch(p -> p > 0);
        assertThat(redis.hash(String.class).hkeys(identity.latestPricesKey())).containsExactlyInAnyOrderElementsOf(config.symbols());
    }

    @Test
    void forcedRefreshesAreLimitedToOneEveryThirtySecondsAcrossTheFleet() {
        redis.key().del(identity.refreshLimitKey());
        given().post("/api/crypto/dashboard-summary/refresh").then().statusCode(200);
        // A state-changing GET would let any page trigger it with a link.
        given().get("/api/crypto/dashboard-summary/refresh").then().statusCode(405);
        var limited = given().post("/api/crypto/dashboard-summary/refresh").then().statusCode(429)
                .contentType("application/problem+json").extract();
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 30);
        assertThat(limited.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(limited.jsonPath().getString("title")).isEqualTo("Too Many Requests");
        assertThat(limited.jsonPath().getString("detail")).contains("30 s");
        // The limit lives in Redis, so a second replica sees it too.
        assertThat(redis.key().pttl(identity.refreshLimitKey())).isBetween(1L, 30_000L);
        given().post("/api/crypto/dashboard-summary/refresh").then().statusCode(429);
    }

    @Test
    void unknownPathsAreProblemJson() {
        given().get("/api/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }
}
