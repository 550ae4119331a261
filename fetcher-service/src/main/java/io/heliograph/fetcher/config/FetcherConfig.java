package io.heliograph.fetcher.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the fetcher-service, under {@code heliograph.fetcher}. */
@ConfigMapping(prefix = "heliograph.fetcher")
public interface FetcherConfig {

    /** Where market data comes from: {@code auto}, {@code live} or {@code simulated} (env {@code FETCHER_MODE}). */
    @WithDefault("auto")
    Mode mode();

    /** How often each summary source is fetched while it answers. */
    @WithDefault("5m")
    Duration summaryInterval();

    /** How long one source request may take before it counts as failed. */
    @WithDefault("10s")
    Duration sourceTimeout();

    /** The longest wait between two attempts of a failing source (the backoff doubles up to this). */
    @WithDefault("1h")
    Duration backoffMax();

    /** How often a replica renews or tries to take the fleet lock and checks what is due. */
    @WithDefault("1s")
    Duration tickEvery();

    /** Prefix of every Redis key this service owns (not the channels'); tests use a unique one. */
    Optional<String> redisKeyPrefix();

    /** How long the cached summary lives in Redis after its last write. */
    @WithDefault("1h")
    Duration summaryTtl();

    /** The shortest time between two forced refreshes across the whole fleet. */
    @WithDefault("30s")
    Duration refreshMinInterval();

    /**
     * The secret a caller of {@code POST .../refresh} sends as {@code Authorization: Bearer <key>} (env
     * HELIOGRAPH_FETCHER_REFRESH_KEY); a production fetcher without one refuses refreshes with 403.
     */
    Optional<String> refreshKey();

    /** Identifies this replica in the lock token and the User-Agent; random when not set. */
    Optional<String> instanceId();

    /** The symbols whose prices are streamed, in display order. */
    @WithDefault("BTC/USD,ETH/USD,AAPL,MSFT,NVDA,SPY,EUR/USD,GBP/USD")
    List<String> symbols();

    Channels channels();

    Lock lock();

    Simulator simulator();

    CoinGecko coingecko();

    Taapi taapi();

    TwelveData twelveData();

    enum Mode {
        /** Live where a source has its key and answers, simulated otherwise. */
        AUTO,
        /** Only the real APIs. */
        LIVE,
        /** Only the simulator; nothing leaves the machine. */
        SIMULATED
    }

    interface Channels {

        /** The channel of {@code dashboard-summary} events. */
        @WithDefault("crypto.summary")
        String summary();

        /** Prepended to a symbol's slug to name its {@code price-update} channel. */
        @WithDefault("prices.")
        String pricePrefix();
    }

    interface Lock {

        /** How long the fleet lock outlives its holder's last renewal (the failover delay after a crash). */
        @WithDefault("10s")
        Duration ttl();
    }

    interface Simulator {

        /** How often the simulator moves every price. */
        @WithDefault("1s")
        Duration tickEvery();

        /** How often the simulator produces a new summary. */
        @WithDefault("5s")
        Duration summaryEvery();

        /** Seed of the random walks, for reproducible runs; random when not set. */
        Optional<Long> seed();
    }

    interface CoinGecko {

        /** Optional demo API key (env {@code COINGECKO_API_KEY}), sent as {@code x-cg-demo-api-key}. */
        Optional<String> apiKey();
    }

    interface Taapi {

        /** TAAPI.io secret (env {@code TAAPI_SECRET}); without it the summary has no RSI. Never logged. */
        Optional<String> secret();

        /** The exchange whose candles the RSI is computed from. */
        @WithDefault("binance")
        String exchange();

        /** The pair whose RSI is shown. */
        @WithDefault("BTC/USDT")
        String symbol();

        /** The candle interval of the RSI. */
        @WithDefault("1d")
        String interval();
    }

    interface TwelveData {

        /** Twelve Data API key (env {@code TWELVE_DATA_API_KEY}); without it prices are simulated. Never logged. */
        Optional<String> apiKey();

        /** The WebSocket price stream. */
        @WithDefault("wss://ws.twelvedata.com/v1/quotes/price")
        String streamUrl();

        /** How often the REST price endpoint is polled while the stream is down. */
        @WithDefault("30s")
        Duration restPollEvery();

        /** The first reconnect delay after the stream drops (it doubles on each failure). */
        @WithDefault("1s")
        Duration reconnectMin();

        /** The longest reconnect delay. */
        @WithDefault("60s")
        Duration reconnectMax();

        /** How often a heartbeat is sent on the stream (Twelve Data closes silent connections). */
        @WithDefault("10s")
        Duration heartbeatEvery();
    }
}
