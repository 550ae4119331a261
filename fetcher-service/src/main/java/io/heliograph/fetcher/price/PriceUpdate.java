package io.heliograph.fetcher.price;

import java.time.Instant;

/**
 * The {@code data} of a {@code price-update} event on {@code prices.<slug>}, and one entry of
 * {@code GET /api/prices}.
 *
 * @param symbol        as configured, for example {@code BTC/USD}, {@code AAPL}, {@code EUR/USD}
 * @param price         the latest price
 * @param previousPrice the price of the previous update of this symbol (null for the first)
 * @param openPrice     the reference of {@code changePct}: the first price seen this UTC day (live),
 *                      or the simulated price 24 h ago (simulator)
 * @param changePct     change from {@code openPrice}, percent
 * @param timestamp     when the price was quoted
 * @param simulated     true when the simulator produced it
 * @param feed          {@code twelvedata-ws}, {@code twelvedata-rest} or {@code simulator}
 */
public record PriceUpdate(String symbol, double price, Double previousPrice, double openPrice, double changePct,
        Instant timestamp, boolean simulated, String feed) {

    public static final String FEED_STREAM = "twelvedata-ws";
    public static final String FEED_REST = "twelvedata-rest";
    public static final String FEED_SIMULATOR = "simulator";

    /** The channel suffix of a symbol: lower case, every run of other characters one dash ({@code BTC/USD} -> {@code btc-usd}). */
    public static String slug(String symbol) {
        return symbol.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
