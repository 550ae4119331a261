package io.heliograph.fetcher.testing;

import java.time.Duration;
import java.util.Map;

import io.heliograph.testkit.ServiceProcess;

/** The packaged fetcher ({@code target/quarkus-app}) as the ITs run it: configured by system properties. */
public final class Fetchers {

    private Fetchers() {
    }

    /**
     * Starts a fetcher on a free HTTP port with no API keys (nor mode) from the developer's
     * environment, and waits until it is ready; its log is {@code target/fetcher-<name>.log}.
     */
    public static ServiceProcess start(String name, Map<String, String> properties) {
        return ServiceProcess.of("fetcher-service").name("fetcher-" + name)
                .jvmArgs("-Xmx160m", "-XX:TieredStopAtLevel=1")
                .properties(properties)
                .withoutEnv("TAAPI_SECRET", "TWELVE_DATA_API_KEY", "COINGECKO_API_KEY", "FETCHER_MODE")
                .startupTimeout(Duration.ofSeconds(180))
                .missingJarHint("the packaged fetcher (mvn package)")
                .start();
    }
}
