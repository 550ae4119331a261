package io.heliograph.fetcher.source.twelvedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.price.PriceUpdate;
import io.heliograph.fetcher.testing.ChannelHistory;
import io.heliograph.fetcher.testing.LiveProfile;
import io.heliograph.fetcher.testing.StreamStub;
import io.heliograph.fetcher.testing.StubApis;
import io.heliograph.fetcher.testing.StubResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The Twelve Data stream, its REST fallback while it is down, and the switch back. */
@QuarkusTest
@TestProfile(LiveProfile.class)
class TwelveDataFeedTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    RedisDataSource redis;

    @Inject
    FetcherConfig config;

    @Inject
    TwelveDataFeed feed;

    List<JsonNode> updates(String symbol) {
        return ChannelHistory.frames(redis, config.channels().pricePrefix() + PriceUpdate.slug(symbol)).stream()
                .map(f -> f.get("event").get("data")).toList();
    }

    String lastFeed(String symbol) {
        List<JsonNode> all = updates(symbol);
        return all.isEmpty() ? "" : all.get(all.size() - 1).get("feed").asText();
    }

    @Test
    void streamDropFallsBackToRestPollingAndTheStreamTakesOverAgain() {
        StubApis apis = StubResource.apis;
        StreamStub stream = StubResource.stream;
        String key = config.twelveData().apiKey().orElseThrow();

        // 1. Streaming: prices arrive over the WebSocket, REST is not polled.
        await().atMost(WAIT).until(() -> feed.streaming() && lastFeed("BTC/USD").equals(PriceUpdate.FEED_STREAM));
        int restBefore = apis.count(StubApis.TWELVE_PRICE);
        assertThat(stream.queries).allMatch(q -> q.contains("apikey=" + key));
        assertThat(stream.received).anyMatch(m -> m.contains("\"action\":\"subscribe\"") && m.contains("BTC/USD,ETH/USD"));
        List<JsonNode> btc = updates("BTC/USD");
        JsonNode streamed = btc.get(btc.size() - 1);
        assertThat(streamed.get("simulated").asBoolean()).isFalse();
        assertThat(streamed.get("previousPrice").isNumber()).isTrue();

        // 2. The stream drops and refuses to come back: REST takes over, for every symbol.
        stream.dropAndRefuse();
        await().atMost(WAIT).until(() -> lastFeed("BTC/USD").equals(PriceUpdate.FEED_REST)
                && lastFeed("ETH/USD").equals(PriceUpdate.FEED_REST));
        assertThat(feed.streaming()).isFalse();
        await().atMost(WAIT).until(() -> apis.count(StubApis.TWELVE_PRICE) >= restBefore + 3);
        assertThat(apis.requests(StubApis.TWELVE_PRICE)).allMatch(r -> key.equals(r.queryParameter("apikey").firstValue())
                && r.queryParameter("symbol").firstValue().equals("BTC/USD,ETH/USD"));
        List<JsonNode> eth = updates("ETH/USD");
        JsonNode polled = eth.get(eth.size() - 1);
        assertThat(polled.get("price").asDouble()).isEqualTo(3390.1);

        // 3. The stream is back: it takes over and polling stops.
        stream.accept();
        await().atMost(WAIT).until(() -> feed.streaming() && lastFeed("BTC/USD").equals(PriceUpdate.FEED_STREAM));
        int restAfter = apis.count(StubApis.TWELVE_PRICE);
        int streamedSoFar = updates("BTC/USD").size();
        // 20 more stream prices (100 ms apart) span several poll periods (300 ms): none may be polled.
        await().atMost(WAIT).until(() -> updates("BTC/USD").size() >= streamedSoFar + 20);
        assertThat(apis.count(StubApis.TWELVE_PRICE)).isLessThanOrEqualTo(restAfter + 1);
        assertThat(updates("BTC/USD").subList(streamedSoFar, streamedSoFar + 20))
                .allMatch(u -> u.get("feed").asText().equals(PriceUpdate.FEED_STREAM));
    }
}
