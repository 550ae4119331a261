package io.heliograph.fetcher.source.coingecko;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.source.SourceErrors;
import io.smallrye.mutiny.Uni;

/**
 * CoinGecko as the summary sources call it: with the optional demo API key and this replica's
 * User-Agent on every request, and the key redacted from error messages. Thread-safe.
 */
@ApplicationScoped
class CoinGecko {

    private final CoinGeckoApi api;
    private final FetcherConfig config;
    private final FetcherIdentity identity;

    CoinGecko(@RestClient CoinGeckoApi api, FetcherConfig config, FetcherIdentity identity) {
        this.api = api;
        this.config = config;
        this.identity = identity;
    }

    /** {@code /global}: market-wide figures. */
    Uni<JsonNode> global() {
        return api.global(apiKey(), identity.userAgent());
    }

    /** {@code /simple/price} of bitcoin in USD with its 24 h change. */
    Uni<JsonNode> bitcoinPrice() {
        return api.simplePrice("bitcoin", "usd", true, apiKey(), identity.userAgent());
    }

    /** The message with the API key taken out, fit for logs and the summary's error fields. */
    String redact(String message) {
        return SourceErrors.redact(message, config.coingecko().apiKey());
    }

    private String apiKey() {
        return config.coingecko().apiKey().orElse(null);
    }
}
