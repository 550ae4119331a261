package io.heliograph.core.metrics;

/**
 * A service's headline counter for its {@code process-metrics} (frames delivered, for a gateway). A
 * service may expose one as a CDI bean; without one, the events it published are reported.
 * Implementations must be cheap and thread-safe: they are read every second.
 */
public interface MainCounter {

    /** A short name, for example {@code deliveries}. */
    String name();

    long value();
}
