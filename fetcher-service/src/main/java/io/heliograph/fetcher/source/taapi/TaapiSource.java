package io.heliograph.fetcher.source.taapi;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.source.Json;
import io.heliograph.fetcher.source.MalformedResponseException;
import io.heliograph.fetcher.source.SourceErrors;
import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummarySource;
import io.smallrye.mutiny.Uni;

/**
 * BTC/USDT RSI from TAAPI.io, only when {@code TAAPI_SECRET} is set. The secret is part of the
 * request URL, so every error description passes through {@link #redact} before it is recorded.
 */
@ApplicationScoped
public class TaapiSource implements SummarySource {

    private final TaapiApi api;
    private final FetcherConfig.Taapi config;
    private final FetcherIdentity identity;

    public TaapiSource(@RestClient TaapiApi api, FetcherConfig config, FetcherIdentity identity) {
        this.api = api;
        this.config = config.taapi();
        this.identity = identity;
    }

    @Override
    public String name() {
        return DashboardSummary.TAAPI;
    }

    @Override
    public boolean configured() {
        return config.secret().isPresent();
    }

    @Override
    public Uni<UnaryOperator<DashboardSummary>> fetch() {
        return api.rsi(config.secret().orElseThrow(), config.exchange(), config.symbol(), config.interval(),
                identity.userAgent()).map(body -> {
                    double value = Json.number(body, "/value");
                    if (value < 0 || value > 100) {
                        throw new MalformedResponseException("RSI " + value + " outside 0..100");
                    }
                    DashboardSummary.Rsi rsi = new DashboardSummary.Rsi(value, config.interval());
                    return s -> s.withRsi(rsi);
                });
    }

    @Override
    public boolean hasValue(DashboardSummary summary) {
        return summary.rsi() != null;
    }

    @Override
    public String redact(String message) {
        return SourceErrors.redact(message, config.secret());
    }
}
