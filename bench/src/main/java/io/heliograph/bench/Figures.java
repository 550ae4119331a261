package io.heliograph.bench;

/**
 * The comparable numbers of one run against one server, as {@code compare} puts them side by
 * side. A figure that was not measured in that run is NaN.
 *
 * @param p50Ms                   publish-to-receive latency percentiles of the measured deliveries
 * @param deliveriesPerSecond     measured deliveries from the first publish to the last delivery
 * @param expected                deliveries every subscribed connection should have had (whole run)
 * @param missing                 of those, never received
 * @param duplicates              received twice or out of order
 * @param serverCpuMicrosPerDelivery server CPU time (user + system) while the events flowed, per measured delivery
 * @param rssPerConnectionKiB     server RSS growth per connection (after a full GC), NaN without a memory phase
 * @param heapPerConnectionKiB    server live heap growth per connection, NaN without a memory phase
 * @param connectAllSeconds       first connect to the last {@code subscribed}
 * @param clientBusiestLoop       busy fraction of the busiest client event loop while the events flowed
 * @param clientLagP99Ms          the worst client event loop's lag p99 while the events flowed
 * @param loadAverage             the machine's 1-minute load average when the events started
 */
record Figures(double p50Ms, double p99Ms, double p999Ms, double deliveriesPerSecond, long expected, long missing,
        long duplicates, double serverCpuMicrosPerDelivery, double rssPerConnectionKiB, double heapPerConnectionKiB,
        double connectAllSeconds, int subscribed, int failed, double serverCores, double redisCores, double clientCores,
        double clientBusiestLoop, double clientLagP99Ms, boolean clientSaturated, double publishAckP99Ms,
        double loadAverage) {

    /** Missing plus duplicate deliveries as a percentage of those expected; NaN when none were expected. */
    double lossPercent() {
        return expected == 0 ? Double.NaN : 100.0 * (missing + duplicates) / expected;
    }
}
