package io.heliograph.relay.auth;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.heliograph.core.auth.BearerSecret;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * The configured publisher keys. Built at startup, so a relay without any key refuses to start, and
 * so does a production relay whose key is an example value from the docs or too short to be secret.
 * Immutable and thread-safe.
 *
 * <p>Secrets are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every key
 * without stopping at the first match: how long a check takes tells nothing about any secret.
 */
@Startup
@Singleton
public class PublisherKeys {

    /** The name of the key configured by {@code heliograph.relay.publisher-key}. */
    public static final String DEFAULT = "default";
    /** The name of the example CRUD backend's key ({@code heliograph.relay.crud-key}). */
    public static final String CRUD = "crud-example";
    /** What the example CRUD backend publishes into. */
    static final List<String> CRUD_NAMESPACES = List.of("recipes", "blogs");

    private static final Logger LOG = Logger.getLogger(PublisherKeys.class);

    /** The shortest secret a production relay accepts (24 characters: over 128 bits when random). */
    static final int MIN_SECRET_LENGTH = 24;
    /** Values that appear in the docs, compose and k8s examples: never secrets. */
    static final Set<String> EXAMPLE_SECRETS = Set.of("change-me", "changeme", "replace-with-a-long-random-key",
            "dev-only-publisher-key-change-me", "dev-publisher-key", "test-publisher-key", "secret", "publisher-key");

    private final List<PublisherKey> keys;

    @Inject
    public PublisherKeys(RelayConfig config) {
        this(config, !LaunchMode.current().isDevOrTest());
    }

    /** {@code production}: refuse example and short secrets. */
    PublisherKeys(RelayConfig config, boolean production) {
        this.keys = List.copyOf(load(config, production));
        LOG.infof("publisher keys loaded: %s", keys.stream().map(k -> k.name() + " -> " + k.namespaces()).toList());
    }

    static List<PublisherKey> load(RelayConfig config, boolean production) {
        List<PublisherKey> keys = new ArrayList<>();
        config.publisherKey().filter(s -> !s.isBlank()).ifPresent(secret -> keys.add(
                key(DEFAULT, secret, config.publisherNamespaces(), config.rateLimit())));
        config.crudKey().filter(s -> !s.isBlank()).ifPresent(secret -> keys.add(
                key(CRUD, secret, CRUD_NAMESPACES, config.rateLimit())));
        config.keys().forEach((name, key) -> {
            if (DEFAULT.equals(name) || CRUD.equals(name)) {
                throw new IllegalStateException("heliograph.relay.keys.\"" + name + "\" clashes with the key set by "
                        + (DEFAULT.equals(name) ? "heliograph.relay.publisher-key" : "heliograph.relay.crud-key")
                        + "; give the named key another name");
            }
            if (key.secret().isBlank()) {
                throw new IllegalStateException("heliograph.relay.keys.\"" + name + "\".secret is empty");
            }
            keys.add(key(name, key.secret(), key.namespaces(), key.rateLimit().orElse(config.rateLimit())));
        });
        if (production) {
            config.publisherKey().filter(s -> !s.isBlank()).ifPresent(secret -> requireSecret(DEFAULT,
                    "HELIOGRAPH_RELAY_PUBLISHER_KEY (heliograph.relay.publisher-key)", secret));
            config.crudKey().filter(s -> !s.isBlank()).ifPresent(secret -> requireSecret(CRUD,
                    "HELIOGRAPH_RELAY_CRUD_KEY (heliograph.relay.crud-key)", secret));
            config.keys().forEach((name, key) -> requireSecret(name, "heliograph.relay.keys.\"" + name + "\".secret", key.secret()));
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("pubsub-relay has no publisher key, so nobody could publish: set "
                    + "HELIOGRAPH_RELAY_PUBLISHER_KEY (heliograph.relay.publisher-key) or "
                    + "heliograph.relay.keys.\"<name>\".secret");
        }
        return keys;
    }

    private static void requireSecret(String name, String setting, String secret) {
        String value = secret.trim();
        if (EXAMPLE_SECRETS.contains(value.toLowerCase(Locale.ROOT)) || value.toLowerCase(Locale.ROOT).contains("change-me")) {
            throw new IllegalStateException("publisher key " + name + " is an example value from the docs, which anybody "
                    + "can read: set " + setting + " to a random secret, e.g. the output of `openssl rand -hex 32`");
        }
        if (value.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("publisher key " + name + " is " + value.length() + " characters long; a "
                    + "production relay needs at least " + MIN_SECRET_LENGTH + ": set " + setting
                    + " to a random secret, e.g. the output of `openssl rand -hex 32`");
        }
    }

    private static PublisherKey key(String name, String secret, List<String> namespaces, int rateLimit) {
        if (rateLimit < 1) {
            throw new IllegalStateException("the rate limit of publisher key " + name + " must be at least 1");
        }
        return new PublisherKey(name, BearerSecret.digest(secret), new LinkedHashSet<>(namespaces), rateLimit);
    }

    /**
     * The key presented as {@code Authorization: Bearer <secret>}.
     *
     * @throws HttpProblem 401 when the header is missing, malformed or names no configured key
     */
    public PublisherKey authenticate(String authorization) {
        byte[] presented = BearerSecret.digest(BearerSecret.presented(authorization).orElseThrow(
                () -> HttpProblem.unauthorized("send the publisher key as 'Authorization: Bearer <key>'")));
        PublisherKey match = null;
        for (PublisherKey key : keys) {
            if (MessageDigest.isEqual(key.secretHash(), presented) && match == null) {
                match = key;
            }
        }
        if (match == null) {
            throw HttpProblem.unauthorized("unknown publisher key");
        }
        return match;
    }

    public List<PublisherKey> all() {
        return keys;
    }
}
