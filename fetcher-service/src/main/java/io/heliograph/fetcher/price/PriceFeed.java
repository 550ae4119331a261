package io.heliograph.fetcher.price;

/**
 * Something that produces prices into the {@link PriceBook} while this replica holds the fleet
 * lock. {@link #start} and {@link #stop} are called from the scheduler thread, alternately, and
 * must return at once.
 */
public interface PriceFeed {

    void start();

    void stop();

    /** A short description for health output. */
    String state();
}
