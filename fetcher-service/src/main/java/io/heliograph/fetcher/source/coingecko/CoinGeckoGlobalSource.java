package io.heliograph.fetcher.source.coingecko;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.fetcher.source.Json;
import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummarySource;
import io.smallrye.mutiny.Uni;

/** Total market cap, its 24 h change and BTC dominance from CoinGecko {@code /global}. */
@ApplicationScoped
public class CoinGeckoGlobalSource implements SummarySource {

    private final CoinGecko coinGecko;

    CoinGeckoGlobalSource(CoinGecko coinGecko) {
        this.coinGecko = coinGecko;
    }

    @Override
    public String name() {
        return DashboardSummary.COINGECKO_GLOBAL;
    }

    @Override
    public Uni<UnaryOperator<DashboardSummary>> fetch() {
        return coinGecko.global().map(body -> {
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
        return coinGecko.redact(message);
    }
}
