package io.heliograph.fetcher.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Live mode against {@link StubApis} and {@link StreamStub}, with every key configured, short
 * timeouts, and Redis keys and channels unique to this run (other test runs share the Redis).
 * The summary interval is long: tests drive the cycles themselves.
 */
public class LiveProfile implements QuarkusTestProfile {

    public static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("heliograph.fetcher.mode", "live");
        config.put("heliograph.fetcher.redis-key-prefix", "test-" + RUN + ":");
        config.put("heliograph.fetcher.channels.summary", "crypto.summary-" + RUN);
        config.put("heliograph.fetcher.channels.price-prefix", "prices.t" + RUN + "-");
        config.put("heliograph.fetcher.summary-interval", "1h");
        config.put("heliograph.fetcher.source-timeout", "1s");
        config.put("heliograph.fetcher.backoff-max", "24h");
        config.put("heliograph.fetcher.instance-id", "live-" + RUN);
        config.put("heliograph.fetcher.taapi.secret", "taapi-secret-" + UUID.randomUUID());
        config.put("heliograph.fetcher.twelve-data.api-key", "twelve-key-" + UUID.randomUUID());
        config.put("heliograph.fetcher.twelve-data.rest-poll-every", "300ms");
        config.put("heliograph.fetcher.twelve-data.reconnect-min", "100ms");
        config.put("heliograph.fetcher.twelve-data.reconnect-max", "500ms");
        config.put("heliograph.fetcher.symbols", "BTC/USD,ETH/USD");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StubResource.class));
    }
}
