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

    record Config(Optional<String> publisherKey, Map<String, KeyConfig> keys, Optional<String> crudKey) implements RelayConfig {

        Config(Optional<String> publisherKey, Map<String, KeyConfig> keys) {
            this(publisherKey, keys, Optional.empty());
        }
        public List<String> publisherNamespaces() {
            return List.of("recipes", "blogs", "user");
        }

        public int rateLimit() {
            return 1000;
        }

        public Duration overloadedRetryAfter() {
            return Duration.ofSeconds(1);
        }

        public int authFailuresPerMinute() {
            return 10;
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

        public Duration readinessTimeout() {
            return Duration.ofMillis(500);
        }

        public Optional<List<io.heliograph.core.net.ClientAddress.TrustedProxy>> trustedProxies() {
            return Optional.empty();
        }
    }

    @Test
    void relayWithoutAnyKeyRefusesToStart() {
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.empty(), Map.of()), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HELIOGRAPH_RELAY_PUBLISHER_KEY");
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of("  "), Map.of()), false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void namedKeyMayNotTakeTheDefaultKeysName() {
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of("s1"),
                Map.of("default", new Key("s2", List.of("blogs"), OptionalInt.empty()))), false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bearerSecretSelectsItsKeyWithItsNamespacesAndLimit() {
        PublisherKeys keys = new PublisherKeys(new Config(Optional.of("main-secret"),
                Map.of("billing", new Key("billing-secret", List.of("user"), OptionalInt.of(5)))), false);

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
        PublisherKeys keys = new PublisherKeys(new Config(Optional.of("main-secret"), Map.of()), false);
        for (String header : new String[] { null, "", "main-secret", "Basic main-secret", "Bearer main-secreT",
            "Bearer " }) {
            assertThatThrownBy(() -> keys.authenticate(header)).isInstanceOfSatisfying(HttpProblem.class,
                    p -> assertThat(p.status()).isEqualTo(401));
        }
    }

    @Test
    void productionRefusesExampleAndShortSecretsAndSaysWhatToSet() {
        for (String example : new String[] { "change-me", "dev-only-publisher-key-change-me", "replace-with-a-long-random-key",
            "dev-publisher-key" }) {
            assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of(example), Map.of()), true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("example value").hasMessageContaining("HELIOGRAPH_RELAY_PUBLISHER_KEY");
        }
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of("short-but-not-example"), Map.of()), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 24");
        assertThatThrownBy(() -> new PublisherKeys(new Config(Optional.of("0123456789abcdef0123456789abcdef"),
                Map.of("billing", new Key("billing", List.of("user"), OptionalInt.empty()))), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("heliograph.relay.keys.\"billing\".secret");
        assertThat(new PublisherKeys(new Config(Optional.of("0123456789abcdef0123456789abcdef"), Map.of()), true)
                .authenticate("Bearer 0123456789abcdef0123456789abcdef").name()).isEqualTo(PublisherKeys.DEFAULT);
    }

    @Test
    void theCrudExamplePublishesWithItsOwnKeyIntoRecipesAndBlogsOnly() {
        PublisherKey crud = new PublisherKeys(new Config(Optional.of("main-secret"), Map.of(),
                Optional.of("crud-secret-for-the-example-backend")), false)
                .authenticate("Bearer crud-secret-for-the-example-backend");
        assertThat(crud.name()).isEqualTo(PublisherKeys.CRUD);
        assertThat(crud.allows("recipes")).isTrue();
        assertThat(crud.allows("blogs")).isTrue();
        assertThat(crud.allows("user")).isFalse();
        assertThat(crud.allows("chat")).isFalse();
    }
}
