package io.heliograph.fetcher.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * A local stand-in for the four market APIs, answering with the response shapes the real ones
 * send (recorded from their documentation). Tests change one answer at a time to make one source
 * fail.
 */
public final class StubApis {

    public static final String GLOBAL = "/api/v3/global";
    public static final String SIMPLE_PRICE = "/api/v3/simple/price";
    public static final String FEAR_GREED = "/fng/";
    public static final String RSI = "/rsi";
    public static final String TWELVE_PRICE = "/price";

    /** How one endpoint misbehaves. */
    public enum Failure {
        TIMEOUT, HTTP_500, MALFORMED_JSON, RATE_LIMITED
    }

    private final WireMockServer server;

    public StubApis() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(16).jettyAcceptors(1));
    }

    public StubApis start() {
        server.start();
        happy();
        return this;
    }

    public void stop() {
        server.stop();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public WireMockServer server() {
        return server;
    }

    /** Every endpoint answers with the default values. */
    public void happy() {
        server.resetAll();
        global(3.41e12, -1.23, 56.8);
        btc(97123.5, -2.1);
        fearGreed(72, "Greed");
        rsi(61.7);
        twelveDataPrices(Map.of("BTC/USD", 97100.0, "ETH/USD", 3390.1));
    }

    public void global(double capUsd, double changePct, double btcDominance) {
        server.stubFor(get(urlPathEqualTo(GLOBAL)).willReturn(okJson(String.format(Locale.ROOT,
                "{\"data\":{\"active_cryptocurrencies\":17110,\"markets\":1290,"
                        + "\"total_market_cap\":{\"btc\":35112345.2,\"eth\":1004412345.1,\"usd\":%s},"
                        + "\"total_volume\":{\"usd\":1.1e11},"
                        + "\"market_cap_percentage\":{\"btc\":%s,\"eth\":11.92,\"usdt\":3.9},"
                        + "\"market_cap_change_percentage_24h_usd\":%s,\"updated_at\":1732200000}}",
                capUsd, btcDominance, changePct))));
    }

    public void btc(double priceUsd, double changePct) {
        server.stubFor(get(urlPathEqualTo(SIMPLE_PRICE)).willReturn(okJson(String.format(Locale.ROOT,
                "{\"bitcoin\":{\"usd\":%s,\"usd_24h_change\":%s}}", priceUsd, changePct))));
    }

    public void fearGreed(int value, String classification) {
        server.stubFor(get(urlPathEqualTo(FEAR_GREED)).willReturn(okJson(String.format(Locale.ROOT,
                "{\"name\":\"Fear and Greed Index\",\"data\":[{\"value\":\"%d\",\"value_classification\":\"%s\","
                        + "\"timestamp\":\"1732147200\",\"time_until_update\":\"3600\"}],\"metadata\":{\"error\":null}}",
                value, classification))));
    }

    public void rsi(double value) {
        server.stubFor(get(urlPathEqualTo(RSI)).willReturn(okJson(String.format(Locale.ROOT, "{\"value\":%s}", value))));
    }

    public void twelveDataPrices(Map<String, Double> prices) {
        StringBuilder json = new StringBuilder("{");
        prices.forEach((symbol, price) -> json.append(json.length() > 1 ? "," : "")
                .append(String.format(Locale.ROOT, "\"%s\":{\"price\":\"%.5f\"}", symbol, price)));
        server.stubFor(get(urlPathEqualTo(TWELVE_PRICE)).willReturn(okJson(json.append('}').toString())));
    }

    /** Makes one endpoint fail the given way (a timeout is a 3 s delay; tests set a 1 s source timeout). */
    public void fail(String path, Failure failure) {
        ResponseDefinitionBuilder response = switch (failure) {
            case TIMEOUT -> okJson("{}").withFixedDelay(3000);
            case HTTP_500 -> aResponse().withStatus(500).withBody("upstream exploded");
            case MALFORMED_JSON -> aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody("{\"data\": [truncated");
            case RATE_LIMITED -> aResponse().withStatus(429).withHeader("Retry-After", "120")
                    .withHeader("Content-Type", "application/json").withBody("{\"error\":\"rate limited\"}");
        };
        server.stubFor(get(urlPathEqualTo(path)).willReturn(response));
    }

    public void respond(String path, ResponseDefinitionBuilder response) {
        server.stubFor(get(urlPathEqualTo(path)).willReturn(response));
    }

    public int count(String path) {
        return server.countRequestsMatching(getRequestedFor(urlPathEqualTo(path)).build()).getCount();
    }

    public List<LoggedRequest> requests(String path) {
        return server.findAll(getRequestedFor(urlPathEqualTo(path)));
    }
}
