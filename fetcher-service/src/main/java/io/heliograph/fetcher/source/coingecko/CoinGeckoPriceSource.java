package io.heliograph.fetcher.source.coingecko;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.source.Json;
import io.heliograph.fetcher.source.SourceErrors;
import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummarySource;
import io.smallrye.mutiny.Uni;

/** Bitcoin's USD price and 24 h change from CoinGecko {@code /simple/price}. */
@ApplicationScoped
public class CoinGeckoPriceSource implements SummarySource {

    private final CoinGeckoApi api;
    private final FetcherConfig config;
    private final FetcherIdentity identity;

    public CoinGeckoPriceSource(@RestClient CoinGeckoApi api, FetcherConfig config, FetcherIdentity identity) {
        this.api = api;
        this.config = config;
        this.identity = identity;
    }

    @Override
    public String name() {
        return DashboardSummary.COINGECKO_PRICE;
    }

    @Override
    public Uni<UnaryOperator<DashboardSummary>> fetch() {
        return api.simplePrice("bitcoin", "usd", true, config.coingecko().apiKey().orElse(null), identity.userAgent())
                .map(body -> {
                    double price = Json.number(body, "/bitcoin/usd");
                    double change = Json.number(body, "/bitcoin/usd_24h_change");
                    return s -> s.withBtc(price, change);
                });
    }

    @Override
    public boolean hasValue(DashboardSummary summary) {
        return summary.btcPriceUsd() != null;
    }

    @Override
    public String redact(String message) {
        return SourceErrors.redact(message, config.coingecko().apiKey());
    }
}
