package io.heliograph.fetcher.source.coingecko;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.source.Json;
import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummarySource;
import io.smallrye.mutiny.Uni;

/** Total market cap, its 24 h change and BTC dominance from CoinGecko {@code /global}. */
@ApplicationScoped
public class CoinGeckoGlobalSource implements SummarySource {

    private final CoinGeckoApi api;
    private final FetcherConfig config;
    private final FetcherIdentity identity;

    public CoinGeckoGlobalSource(@RestClient CoinGeckoApi api, FetcherConfig config, FetcherIdentity identity) {
        this.api = api;
        this.config = config;
        this.identity = identity;
    }

    @Override
    public String name() {
        return DashboardSummary.COINGECKO_GLOBAL;
    }

    @Override
    public Uni<UnaryOperator<DashboardSummary>> fetch() {
        return api.global(config.coingecko().apiKey().orElse(null), identity.userAgent()).map(body -> {
            double cap = Json.number(body, "/data/total_market_cap/usd");
            double change = Json.number(body, "/data/market_cap_change_percentage_24h_usd");
            double dominance = Json.number(body, "/data/market_cap_percentage/btc");
            return s -> s.withGlobal(cap, change, dominance);
        });
    }

    @Override
    public boolean hasValue(DashboardSummary summary) {
        return summary.totalMarketCapUsd() != null;
    }

    @Override
    public String redact(String message) {
        return io.heliograph.fetcher.source.SourceErrors.redact(message, config.coingecko().apiKey());
    }
}
