package io.heliograph.fetcher.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Singleton;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.summary.DashboardSummary;

/**
 * Offline market data: every price follows a geometric random walk with the annual volatility of
 * its asset class, and the summary is derived from the simulated BTC/USD walk (so the summary's
 * bitcoin price agrees with the {@code prices.btc-usd} ticks), with a market-cap dominance, a Fear
 * &amp; Greed value and an RSI that drift and revert to plausible ranges.
 *
 * <p>Thread-safe: every method is synchronized (a few arithmetic operations per call).
 */
@Singleton
public class MarketSimulator {

    /** Bitcoin in circulation, for a market cap of the right size. */
    private static final double BTC_SUPPLY = 19_800_000;
    private static final double SECONDS_PER_YEAR = 365.25 * 24 * 3600;
    /** Volatility scale: a real one-second move would hardly change the digits on a dashboard. */
    private static final double VISIBILITY = 5;
    /** Pull of each price back to where it started, per second (half-life one hour), so long runs stay plausible. */
    private static final double REVERSION = Math.log(2) / 3600;
    public static final String BTC = "BTC/USD";

    private final Random random;
    private final Map<String, Walk> walks = new LinkedHashMap<>();
    private double dominancePct = 56.5;
    private double sentiment = 0;
    private double rsi = 52;
    private final String rsiInterval;
    private final List<String> symbols;

    /** One symbol's walk; {@code open} is the reference of its change (the simulated 24 h ago). */
    public record Tick(String symbol, double price, double open) {
    }

    private static final class Walk {
        final double annualVol;
        final double open;
        final double anchor;
        double price;

        Walk(double start, double annualVol, Random random) {
            this.annualVol = annualVol;
            this.anchor = start;
            // The simulated day did not start where the walk starts, so changes are non-zero at once.
            this.open = start * Math.exp(-random.nextGaussian() * annualVol / Math.sqrt(365.25));
            this.price = start;
        }
    }

    @jakarta.inject.Inject
    public MarketSimulator(FetcherConfig config) {
        this(config.symbols(), config.taapi().interval(), config.simulator().seed().orElse(null));
    }

    /**
     * @param symbols     the symbols whose ticks {@link #step} returns, in order
     * @param rsiInterval the candle interval shown with the RSI
     * @param seed        seed of the random walks, or null for a random one
     */
    public MarketSimulator(List<String> symbols, String rsiInterval, Long seed) {
        this.random = seed == null ? new Random() : new Random(seed);
        this.rsiInterval = rsiInterval;
        this.symbols = List.copyOf(symbols);
        // BTC/USD always walks: the summary is derived from it even when its ticks are not published.
        walks.put(BTC, new Walk(startPrice(BTC), volatility(BTC), random));
        for (String symbol : symbols) {
            walks.computeIfAbsent(symbol, s -> new Walk(startPrice(s), volatility(s), random));
        }
    }

    private static double startPrice(String symbol) {
        return switch (symbol) {
            case "BTC/USD" -> 96_000;
            case "ETH/USD" -> 3_400;
            case "AAPL" -> 230;
            case "MSFT" -> 420;
            case "NVDA" -> 140;
            case "SPY" -> 590;
            case "EUR/USD" -> 1.08;
            case "GBP/USD" -> 1.27;
            default -> 100;
        };
    }

    /** Annual volatility by asset class: crypto, single stocks, index, FX. */
    private static double volatility(String symbol) {
        if (symbol.startsWith("BTC")) {
            return 0.55;
        }
        if (symbol.startsWith("ETH")) {
            return 0.75;
        }
        if (symbol.equals("SPY")) {
            return 0.16;
        }
        if (symbol.matches("[A-Z]{3}/[A-Z]{3}")) {
            return 0.08;
        }
        return 0.35;
    }

    /**
     * Moves every price by one step of {@code dt}: a mean-reverting walk of the log price (volatility
     * scaled {@value #VISIBILITY}x so a dashboard visibly moves each second, reverting to the start
     * price with a one-hour half-life), which keeps BTC/USD within a few percent of where it started
     * however long the suite runs.
     */
    public synchronized List<Tick> step(Duration dt) {
        double seconds = dt.toMillis() / 1000.0;
        for (Walk w : walks.values()) {
            double sigma = w.annualVol * VISIBILITY * Math.sqrt(seconds / SECONDS_PER_YEAR);
            double pull = REVERSION * seconds * Math.log(w.anchor / w.price);
            w.price = w.price * Math.exp(pull + sigma * random.nextGaussian());
        }
        List<Tick> ticks = new java.util.ArrayList<>();
        for (String symbol : symbols) {
            Walk w = walks.get(symbol);
            ticks.add(new Tick(symbol, round(w.price), round(w.open)));
        }
        return ticks;
    }

    /** Continues from values a previous leader published, so a failover does not make prices jump. */
    public synchronized void resume(String symbol, double price) {
        Walk w = walks.get(symbol);
        if (w != null && price > 0) {
            w.price = price;
        }
    }

    /** A fresh summary, consistent with the current BTC/USD walk; sources are filled by the caller. */
    public synchronized DashboardSummary summary() {
        Walk btc = walks.get(BTC);
        double btcChange = (btc.price / btc.open - 1) * 100;
        dominancePct = clamp(dominancePct + random.nextGaussian() * 0.05 + (56.5 - dominancePct) * 0.02, 40, 70);
        double totalCap = btc.price * BTC_SUPPLY / (dominancePct / 100);
        double capChange = btcChange * 0.85 + random.nextGaussian() * 0.15;
        sentiment = clamp(sentiment * 0.97 + random.nextGaussian() * 1.5, -25, 25);
        int fearGreed = (int) Math.round(clamp(50 + 4 * btcChange + sentiment, 0, 100));
        rsi = clamp(rsi + random.nextGaussian() * 0.8 + (50 + 3 * btcChange - rsi) * 0.05, 5, 95);
        return new DashboardSummary(round(totalCap), round(capChange), round(btc.price), round(btcChange),
                round(dominancePct), new DashboardSummary.FearGreed(fearGreed, classify(fearGreed)),
                new DashboardSummary.Rsi(round(rsi), rsiInterval), Map.of(), true, null);
    }

    /** alternative.me's bands. */
    public static String classify(int value) {
        if (value < 25) {
            return "Extreme Fear";
        }
        if (value < 47) {
            return "Fear";
        }
        if (value < 55) {
            return "Neutral";
        }
        if (value < 76) {
            return "Greed";
        }
        return "Extreme Greed";
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    /** Six significant digits at most: enough for FX, no float noise in the JSON. */
    static double round(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(
                Math.max(6, (int) Math.floor(Math.log10(Math.abs(v))) + 3))).doubleValue();
    }
}
