package io.heliograph.fetcher.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts {@link StubApis} and {@link StreamStub} before the application and points the clients at them. */
public class StubResource implements QuarkusTestResourceLifecycleManager {

    /** The running stubs, for the tests of the profile that started them. */
    public static volatile StubApis apis;
    public static volatile StreamStub stream;

    @Override
    public Map<String, String> start() {
        try {
            apis = new StubApis().start();
            stream = new StreamStub().start();
        } catch (Exception e) {
            throw new IllegalStateException("stubs did not start", e);
        }
        return Map.of(
                "quarkus.rest-client.coingecko.url", apis.baseUrl(),
                "quarkus.rest-client.feargreed.url", apis.baseUrl(),
                "quarkus.rest-client.taapi.url", apis.baseUrl(),
                "quarkus.rest-client.twelvedata.url", apis.baseUrl(),
                "heliograph.fetcher.twelve-data.stream-url", stream.url());
    }

    @Override
    public void stop() {
        if (apis != null) {
            apis.stop();
        }
        if (stream != null) {
            stream.stop();
        }
    }
}
