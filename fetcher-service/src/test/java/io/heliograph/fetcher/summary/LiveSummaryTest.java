package io.heliograph.fetcher.summary;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.testing.ChannelHistory;
import io.heliograph.fetcher.testing.LiveProfile;
import io.heliograph.fetcher.testing.StubApis;
import io.heliograph.fetcher.testing.StubApis.Failure;
import io.heliograph.fetcher.testing.StubResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Live mode against stubs of the real APIs: values, staleness, retry schedule and publishing. */
@QuarkusTest
@TestProfile(LiveProfile.class)
class LiveSummaryTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    SummaryService summaries;

    @Inject
    RedisDataSource redis;

    @Inject
    FetcherConfig config;

    @Inject
    FetcherIdentity identity;

    StubApis apis;

    @BeforeEach
    void startFromAKnownGoodSummary() {
        apis = StubResource.apis;
        apis.happy();
        redis.key().del(identity.summaryKey());
        refresh();
    }

    DashboardSummary refresh() {
        return summaries.refresh().await().atMost(WAIT);
    }

    List<JsonNode> published() {
        return ChannelHistory.frames(redis, config.channels().summary());
    }

    @Test
    void theSummaryReachesRedisAndTheChannelsSubscribers() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        PubSubCommands.RedisSubscriber subscriber = redis.pubsub(String.class)
                .subscribe(ChannelName.of(config.channels().summary()).pubSubChannel(), received::add);
        try {
            apis.global(3.5e12, 2.5, 57.25);
            apis.btc(99000.5, 1.75);
            apis.fearGreed(20, "Extreme Fear");
            apis.rsi(33.3);
            DashboardSummary s = refresh();
            assertThat(s.totalMarketCapUsd()).isEqualTo(3.5e12);
            assertThat(s.marketCapChange24hPct()).isEqualTo(2.5);
            assertThat(s.btcDominancePct()).isEqualTo(57.25);
            assertThat(s.btcPriceUsd()).isEqualTo(99000.5);
            assertThat(s.btcChange24hPct()).isEqualTo(1.75);
            assertThat(s.fearGreed()).isEqualTo(new DashboardSummary.FearGreed(20, "Extreme Fear"));
            assertThat(s.rsi()).isEqualTo(new DashboardSummary.Rsi(33.3, "1d"));
            assertThat(s.simulated()).isFalse();
            assertThat(s.sources()).containsOnlyKeys("coingeckoGlobal", "coingeckoPrice", "fearGreed", "taapi");
            assertThat(s.sources().values()).allMatch(st -> st.status().equals("ok") && st.lastError() == null);

            await().atMost(WAIT).until(() -> !received.isEmpty());
            JsonNode frame = ChannelHistory.parse(received.get(received.size() - 1));
            assertThat(frame.get("channel").asText()).isEqualTo(config.channels().summary());
            JsonNode data = frame.get("event").get("data");
            assertThat(frame.get("event").get("type").asText()).isEqualTo("dashboard-summary");
            assertThat(data.get("btcPriceUsd").asDouble()).isEqualTo(99000.5);
            assertThat(data.get("fearGreed").get("classification").asText()).isEqualTo("Extreme Fear");
            assertThat(data.get("simulated").asBoolean()).isFalse();

            // Every replica's HTTP answer comes from the same Redis key, kept for an hour.
            assertThat(redis.key().pttl(identity.summaryKey())).isBetween(3_500_000L, 3_600_000L);
            var body = given().get("/api/crypto/dashboard-summary").then().statusCode(200).extract().jsonPath();
            assertThat(body.getDouble("btcPriceUsd")).isEqualTo(99000.5);
            assertThat(body.getString("sources.taapi.status")).isEqualTo("ok");
        } finally {
            subscriber.unsubscribe();
        }
    }

    static Stream<Arguments> oneSourceFailing() {
        return Stream.of(Failure.values()).flatMap(f -> Stream.of(
                Arguments.of("coingeckoGlobal", StubApis.GLOBAL, f),
                Arguments.of("coingeckoPrice", StubApis.SIMPLE_PRICE, f),
                Arguments.of("fearGreed", StubApis.FEAR_GREED, f),
                Arguments.of("taapi", StubApis.RSI, f)));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("oneSourceFailing")
    void oneFailingSourceKeepsItsLastValueAndGoesStaleWhileTheOthersUpdate(String source, String path, Failure failure) {
        DashboardSummary before = summaries.current().await().atMost(WAIT);
        // New values everywhere, then one source breaks.
        apis.global(3.6e12, 3.0, 58.0);
        apis.btc(101000.0, 4.0);
        apis.fearGreed(80, "Extreme Greed");
        apis.rsi(70.5);
        apis.fail(path, failure);
        Instant start = Instant.now();
        DashboardSummary after = refresh();

        SourceStatus failed = after.sources().get(source);
        assertThat(failed.status()).isEqualTo("stale");
        assertThat(failed.staleSince()).isAfterOrEqualTo(start.minusSeconds(1));
        assertThat(failed.lastSuccess()).isEqualTo(before.sources().get(source).lastSuccess());
        assertThat(failed.failures()).isEqualTo(1);
        assertThat(failed.lastError()).isEqualTo(switch (failure) {
            case TIMEOUT -> "timed out";
            case HTTP_500 -> "HTTP 500";
            case MALFORMED_JSON -> "malformed response: not the expected JSON";
            case RATE_LIMITED -> "HTTP 429 (Retry-After 120 s)";
        });
        // Its values are the last good ones; every other source moved on.
        assertThat(valuesOf(after, source)).isEqualTo(valuesOf(before, source));
        for (String other : List.of("coingeckoGlobal", "coingeckoPrice", "fearGreed", "taapi")) {
            if (!other.equals(source)) {
                assertThat(after.sources().get(other).status()).as(other).isEqualTo("ok");
                assertThat(valuesOf(after, other)).as(other).isNotEqualTo(valuesOf(before, other));
            }
        }
        if (failure == Failure.RATE_LIMITED) {
            // Retry-After is honoured even by a forced refresh; the others are still called.
            assertThat(failed.retryAfterUntil()).isBetween(start.plusSeconds(119), Instant.now().plusSeconds(121));
            assertThat(failed.nextAttemptAt()).isEqualTo(failed.retryAfterUntil());
            int calls = apis.count(path);
            int others = apis.count(path.equals(StubApis.GLOBAL) ? StubApis.RSI : StubApis.GLOBAL);
            DashboardSummary again = refresh();
            assertThat(apis.count(path)).isEqualTo(calls);
            assertThat(apis.count(path.equals(StubApis.GLOBAL) ? StubApis.RSI : StubApis.GLOBAL)).isEqualTo(others + 1);
            assertThat(again.sources().get(source).status()).isEqualTo("stale");
        } else {
            // Other failures back off: the next regular attempt is one interval away, then two.
            assertThat(failed.nextAttemptAt()).isBetween(start.plus(config.summaryInterval()).minusSeconds(1),
                    Instant.now().plus(config.summaryInterval()));
            SourceStatus second = refresh().sources().get(source);
            assertThat(second.failures()).isEqualTo(2);
            assertThat(second.staleSince()).isEqualTo(failed.staleSince());
            assertThat(Duration.between(second.staleSince(), second.nextAttemptAt()))
                    .isGreaterThanOrEqualTo(config.summaryInterval().multipliedBy(2));
        }
        // Fixed: fresh again.
        apis.happy();
        redis.key().del(identity.summaryKey());
    }

    private static Object valuesOf(DashboardSummary s, String source) {
        return switch (source) {
            case "coingeckoGlobal" -> List.of(s.totalMarketCapUsd(), s.marketCapChange24hPct(), s.btcDominancePct());
            case "coingeckoPrice" -> List.of(s.btcPriceUsd(), s.btcChange24hPct());
            case "fearGreed" -> s.fearGreed();
            case "taapi" -> s.rsi();
            default -> throw new IllegalArgumentException(source);
        };
    }

    @Test
    void aSourceThatNeverAnsweredIsAnErrorWithoutValue() {
        redis.key().del(identity.summaryKey());
        apis.fail(StubApis.FEAR_GREED, Failure.HTTP_500);
        DashboardSummary s = refresh();
        assertThat(s.fearGreed()).isNull();
        assertThat(s.sources().get("fearGreed").status()).isEqualTo("error");
        assertThat(s.sources().get("fearGreed").staleSince()).isNull();
        assertThat(s.btcPriceUsd()).isEqualTo(97123.5);
    }

    @Test
    void aSummaryIsPublishedOnlyWhenItsContentChanges() {
        int before = published().size();
        refresh();
        refresh();
        // Same values from every API: the timestamps moved, nothing was published.
        assertThat(published()).as(() -> published().toString()).hasSize(before);
        assertThat(summaries.current().await().atMost(WAIT).updatedAt()).isAfter(
                Instant.parse(published().get(before - 1).get("event").get("data").get("updatedAt").asText()));
        apis.btc(97200.0, -2.0);
        refresh();
        assertThat(published()).hasSize(before + 1);
        assertThat(published().get(before).get("event").get("data").get("btcPriceUsd").asDouble()).isEqualTo(97200.0);
        // A source going stale is a change too (the dashboard shows it).
        apis.fail(StubApis.RSI, Failure.HTTP_500);
        refresh();
        assertThat(published()).hasSize(before + 2);
        assertThat(published().get(before + 1).get("event").get("data").get("sources").get("taapi").get("status").asText())
                .isEqualTo("stale");
    }

    @Test
    void theTaapiSecretIsSentButNeverAppearsInErrorsOrLogs() {
        // From the application's config: the profile class may live in another class loader.
        String secret = config.taapi().secret().orElseThrow();
        List<String> logs = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (record.getParameters() != null) {
                    message += " " + java.util.Arrays.toString(record.getParameters());
                }
                logs.add(message + (record.getThrown() == null ? "" : " " + stackOf(record.getThrown())));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            // The API echoing the request back, the way error pages often do.
            String echo = "bad request: GET /rsi?secret=" + secret + "&exchange=binance";
            for (var response : List.of(WireMock.aResponse().withStatus(500).withBody(echo),
                    WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(echo),
                    WireMock.okJson("{\"error\":\"" + echo + "\"}"),
                    WireMock.aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER))) {
                apis.respond(StubApis.RSI, response);
                DashboardSummary s = refresh();
                assertThat(s.sources().get("taapi").status()).isEqualTo("stale");
                assertThat(s.sources().get("taapi").lastError()).isNotBlank().doesNotContain(secret);
                assertThat(given().get("/api/crypto/dashboard-summary").asString()).doesNotContain(secret);
            }
        } finally {
            root.removeHandler(capture);
        }
        assertThat(apis.requests(StubApis.RSI)).allMatch(r -> secret.equals(r.queryParameter("secret").firstValue()));
        assertThat(logs).anyMatch(l -> l.contains("taapi failed"));
        assertThat(logs).noneMatch(l -> l.contains(secret));
        assertThat(String.join("\n", published().stream().map(JsonNode::toString).toList()))
                .doesNotContain(secret);
    }

    private static String stackOf(Throwable t) {
        var out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
