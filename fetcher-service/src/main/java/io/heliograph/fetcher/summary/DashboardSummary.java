package io.heliograph.fetcher.summary;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code data} of a {@code dashboard-summary} event, also the JSON cached at
 * {@code crypto:dashboard-summary} and served by {@code GET /api/crypto/dashboard-summary}.
 * A value is null until its source has answered once; afterwards a failing source leaves its last
 * good value in place and says so in {@link #sources()}.
 *
 * @param totalMarketCapUsd     total crypto market capitalisation, USD (CoinGecko /global)
 * @param marketCapChange24hPct its change over 24 h, percent
 * @param btcPriceUsd           bitcoin price, USD (CoinGecko /simple/price)
 * @param btcChange24hPct       bitcoin's 24 h change, percent
 * @param btcDominancePct       bitcoin's share of the total market cap, percent
 * @param fearGreed             alternative.me Fear &amp; Greed index
 * @param rsi                   TAAPI.io RSI of BTC/USDT; null when no TAAPI secret is configured
 * @param sources               per source: whether its values are fresh
 * @param simulated             true when every value comes from the simulator
 * @param updatedAt             when the summary was last produced (changes on every fetch)
 */
public record DashboardSummary(Double totalMarketCapUsd, Double marketCapChange24hPct, Double btcPriceUsd,
        Double btcChange24hPct, Double btcDominancePct, FearGreed fearGreed, Rsi rsi,
        Map<String, SourceStatus> sources, boolean simulated, Instant updatedAt) {

    /** The names used in {@link #sources()}. */
    public static final String COINGECKO_GLOBAL = "coingeckoGlobal";
    public static final String COINGECKO_PRICE = "coingeckoPrice";
    public static final String FEAR_GREED = "fearGreed";
    public static final String TAAPI = "taapi";

    public DashboardSummary {
        sources = sources == null ? Map.of() : new TreeMap<>(sources);
    }

    public static DashboardSummary empty(boolean simulated) {
        return new DashboardSummary(null, null, null, null, null, null, null, Map.of(), simulated, null);
    }

    /** Alternative.me's index: 0 (extreme fear) to 100 (extreme greed). */
    public record FearGreed(int value, String classification) {
    }

    /** Relative strength index (0..100) over candles of {@code interval}. */
    public record Rsi(double value, String interval) {
    }

    public DashboardSummary withGlobal(double marketCapUsd, double changePct, double btcDominance) {
        return new DashboardSummary(marketCapUsd, changePct, btcPriceUsd, btcChange24hPct, btcDominance, fearGreed,
                rsi, sources, simulated, updatedAt);
    }

    public DashboardSummary withBtc(double priceUsd, double changePct) {
        return new DashboardSummary(totalMarketCapUsd, marketCapChange24hPct, priceUsd, changePct, btcDominancePct,
                fearGreed, rsi, sources, simulated, updatedAt);
    }

    public DashboardSummary withFearGreed(FearGreed value) {
        return new DashboardSummary(totalMarketCapUsd, marketCapChange24hPct, btcPriceUsd, btcChange24hPct,
                btcDominancePct, value, rsi, sources, simulated, updatedAt);
    }

    public DashboardSummary withRsi(Rsi value) {
        return new DashboardSummary(totalMarketCapUsd, marketCapChange24hPct, btcPriceUsd, btcChange24hPct,
                btcDominancePct, fearGreed, value, sources, simulated, updatedAt);
    }

    public DashboardSummary withSources(Map<String, SourceStatus> value) {
        return new DashboardSummary(totalMarketCapUsd, marketCapChange24hPct, btcPriceUsd, btcChange24hPct,
                btcDominancePct, fearGreed, rsi, value, simulated, updatedAt);
    }

    public DashboardSummary stamped(boolean isSimulated, Instant at) {
        return new DashboardSummary(totalMarketCapUsd, marketCapChange24hPct, btcPriceUsd, btcChange24hPct,
                btcDominancePct, fearGreed, rsi, sources, isSimulated, at);
    }

    /**
     * What a dashboard shows, without the bookkeeping that moves on every fetch (timestamps,
     * retry schedule): two summaries with the same content are not published twice.
     */
    public boolean sameContentAs(DashboardSummary other) {
        if (other == null) {
            return false;
        }
        Map<String, SourceStatus> mine = new TreeMap<>();
        sources.forEach((k, v) -> mine.put(k, v.content()));
        Map<String, SourceStatus> theirs = new TreeMap<>();
        other.sources.forEach((k, v) -> theirs.put(k, v.content()));
        return stamped(simulated, null).withSources(mine).equals(other.stamped(other.simulated, null).withSources(theirs));
    }
}
