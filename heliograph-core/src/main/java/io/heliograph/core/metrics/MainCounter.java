package io.heliograph.core.metrics;

/**
 * A service's headline counter for its {@code process-metrics} (events fetched, messages processed,
 * frames delivered...). A service exposes one as a CDI bean; without one, none is reported.
 * Implementations must be cheap and thread-safe: they are read every second.
 */
public interface MainCounter {

    /** A short name, for example {@code deliveries}. */
    String name();

    long value();
}
