package io.heliograph.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;

class PublisherKeysTest {

    record Key(String secret, List<String> namespaces, OptionalInt rateLimit) implements RelayConfig.KeyConfig {
    }

    record Config(Optional<String> publisherKey, Map<String, KeyConfig> keys) implements RelayConfig {
        public List<String> publisherNamespaces() {
            return List.of("recipes", "blogs", "user", "chat");
        }

        public int rateLimit() {
            return 1000;
        }

        public Duration overloadedRetryAfter() {
            return Duration.ofSeconds(1);
        }

        public int maxBatch() {
            return 100;
        }

        public Duration unavailableRetryAfter() {
            return Duration.ofSeconds(1);
        }

        public Duration redisTimeout() {
            return Duration.ofSeconds(5);
        }
    }

    @Test
    void relayWithoutAnyKeyRefusesToStart() {
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.empty(), Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HELIOGRAPH_RELAY_PUBLISHER_KEY");
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of("  "), Map.of())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void namedKeyMayNotTakeTheDefaultKeysName() {
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of("s1"),
                Map.of("default", new Key("s2", List.of("blogs"), OptionalInt.empty())))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bearerSecretSelectsItsKeyWithItsNamespacesAndLimit() {
        PublisherKeys keys = new PublisherKeys(new Config(Optional.of("main-secret"),
                Map.of("billing", new Key("billing-secret", List.of("user"), OptionalInt.of(5)))));

        PublisherKey main = keys.authenticate("Bearer main-secret");
        PublisherKey billing = keys.authenticate("bearer billing-secret");

        assertThat(main.name()).isEqualTo(PublisherKeys.DEFAULT);
        assertThat(main.allows("recipes")).isTrue();
        assertThat(main.allows("system")).isFalse();
        assertThat(main.rateLimit()).isEqualTo(1000);
        assertThat(billing.name()).isEqualTo("billing");
        assertThat(billing.allows("user")).isTrue();
        assertThat(billing.allows("recipes")).isFalse();
        assertThat(billing.rateLimit()).isEqualTo(5);
        assertThat(billing.toString()).doesNotContain("billing-secret");
    }

    @Test
    void wrongOrMissingSecretIs401() {
        PublisherKeys keys = new PublisherKeys(new Config(Optional.of("main-secret"), Map.of()));
        for (String header : new String[] { null, "", "main-secret", "Basic main-secret", "Bearer main-secreT",
            "Bearer " }) {
            assertThatThrownBy(() -> keys.authenticate(header)).isInstanceOfSatisfying(HttpProblem.class,
                    p -> assertThat(p.status()).isEqualTo(401));
        }
    }
}
