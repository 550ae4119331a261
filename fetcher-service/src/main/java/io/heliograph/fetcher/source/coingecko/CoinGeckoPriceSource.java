package io.heliograph.fetcher.source.coingecko;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.fetcher.source.Json;
import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummarySource;
import io.smallrye.mutiny.Uni;

/** Bitcoin's USD price and 24 h change from CoinGecko {@code /simple/price}. */
@ApplicationScoped
public class CoinGeckoPriceSource implements SummarySource {

    private final CoinGecko coinGecko;

    CoinGeckoPriceSource(CoinGecko coinGecko) {
        this.coinGecko = coinGecko;
    }

    @Override
    public String name() {
        return DashboardSummary.COINGECKO_PRICE;
    }

    @Override
    public Uni<UnaryOperator<DashboardSummary>> fetch() {
        return coinGecko.bitcoinPrice().map(body -> {
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
        return coinGecko.redact(message);
    }
}
