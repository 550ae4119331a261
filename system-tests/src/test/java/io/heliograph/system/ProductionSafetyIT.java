package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.heliograph.testkit.ServiceProcess;

/**
 * A packaged service started as an operator would start it in production (no profile) refuses
 * unsafe settings and says which one to set, instead of running with keys anybody can read.
 */
class ProductionSafetyIT {

    /** The public half of the development key pair once committed to the repository. */
    static final String PUBLISHED_DEV_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxVdsMLnokFXoRum7oqIj"
            + "6j3VyHDnr4lrjmdS8L5YfUtNkhtm/FBrJsXP6vZdUPmI+Uus2nGZLYxnMMvsyz6PchBawm5xMHNWcrET5KlDTa+bnGB5"
            + "zRCd349wflEsSHPJFp4IhJ/834cJZpMygJ5P60b0BCImgQ5qxnBvNtC9GUsl8IDvA+ZI7zAxH7oD+Y06YhceT3zq9GnG"
            + "002YBm3JK/1hBfU0MrCXRtqCUY5LBgvS0FJniVRBbJfe6bet2tMysfWB7U1iJJov2G5eZPNcZ6MfgfGZ/rEx/5GJH6Fs"
            + "mId3QbwNZ4/Gtfcmes2TIyIzx6GMoHtyiZdyEYFFYsmpkQIDAQAB";

    private static ServiceProcess start(String module, Map<String, String> env, String... without) {
        return ServiceProcess.of(module).name(module + "-unsafe").env(env).withoutEnv(without).jvmArgs("-Xmx128m")
                .startupTimeout(Duration.ofSeconds(60)).start();
    }

    @Test
    void gatewayWithoutAKeyRefusesToStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> start("gateway-service", Map.of(), "MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                .hasMessageContaining("exited")
                .hasMessageContaining("no JWT verify key")
                .hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }

    @Test
    void gatewayWithThePublishedDevelopmentKeyRefusesToStart(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("publicKey.pem"),
                "-----BEGIN PUBLIC KEY-----\n" + PUBLISHED_DEV_KEY + "\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> start("gateway-service", ServiceProcess.env("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "file:" + pem)))
                .hasMessageContaining("exited").hasMessageContaining("private half is public");
        assertThatThrownBy(() -> start("gateway-service", ServiceProcess.env("MP_JWT_VERIFY_PUBLICKEY", PUBLISHED_DEV_KEY),
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                .hasMessageContaining("exited").hasMessageContaining("private half is public");
    }

    @Test
    void relayWithAnExampleOrShortKeyRefusesToStart() {
        assertThatThrownBy(() -> start("pubsub-relay", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY",
                "dev-only-publisher-key-change-me")))
                .hasMessageContaining("exited").hasMessageContaining("example value")
                .hasMessageContaining("HELIOGRAPH_RELAY_PUBLISHER_KEY");
        assertThatThrownBy(() -> start("pubsub-relay", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", "short")))
                .hasMessageContaining("exited").hasMessageContaining("at least 24");
    }

    @Test
    void aProductionFetcherWithoutARefreshKeyRefusesForcedRefreshes() throws Exception {
        try (ServiceProcess fetcher = ServiceProcess.of("fetcher-service").name("fetcher-unsafe").jvmArgs("-Xmx160m")
                .properties(Map.of("heliograph.fetcher.mode", "simulated"))
                .withoutEnv("TAAPI_SECRET", "TWELVE_DATA_API_KEY", "COINGECKO_API_KEY", "FETCHER_MODE", "HELIOGRAPH_FETCHER_REFRESH_KEY")
                .startupTimeout(Duration.ofSeconds(120)).start()) {
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    fetcher.uri().resolve("/api/crypto/dashboard-summary/refresh")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("HELIOGRAPH_FETCHER_REFRESH_KEY");
        }
    }

    @Test
    void aGatewayWithItsOwnKeyStarts() {
        try (ServiceProcess gateway = start("gateway-service", Map.of())) {
            assertThat(gateway.uri()).isNotNull();
        }
    }
}
