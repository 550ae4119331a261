package io.heliograph.fetcher.testing;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Simulated mode (what {@code ./heliograph up} runs offline) on Redis keys and channels unique to this run. */
public class SimulatedProfile implements QuarkusTestProfile {

    public static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "heliograph.fetcher.mode", "simulated",
                "heliograph.fetcher.redis-key-prefix", "test-" + RUN + ":",
                "heliograph.fetcher.channels.summary", "crypto.summary-" + RUN,
                "heliograph.fetcher.channels.price-prefix", "prices.t" + RUN + "-",
                "heliograph.fetcher.simulator.summary-every", "1s",
                "heliograph.fetcher.instance-id", "sim-" + RUN);
    }
}
