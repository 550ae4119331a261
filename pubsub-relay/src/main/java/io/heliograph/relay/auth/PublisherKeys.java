package io.heliograph.relay.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;
import io.quarkus.runtime.Startup;

/**
 * The configured publisher keys. Built at startup, so a relay without any key refuses to start.
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

    private static final Logger LOG = Logger.getLogger(PublisherKeys.class);
    private static final String BEARER = "bearer ";

    private final List<PublisherKey> keys;

    public PublisherKeys(RelayConfig config) {
        this.keys = List.copyOf(load(config));
        LOG.infof("publisher keys loaded: %s", keys.stream().map(k -> k.name() + " -> " + k.namespaces()).toList());
    }

    static List<PublisherKey> load(RelayConfig config) {
        List<PublisherKey> keys = new ArrayList<>();
        config.publisherKey().filter(s -> !s.isBlank()).ifPresent(secret -> keys.add(
                key(DEFAULT, secret, config.publisherNamespaces(), config.rateLimit())));
        config.keys().forEach((name, key) -> {
            if (DEFAULT.equals(name)) {
                throw new IllegalStateException("heliograph.relay.keys.\"default\" clashes with the key set by "
                        + "heliograph.relay.publisher-key; give the named key another name");
            }
            if (key.secret().isBlank()) {
                throw new IllegalStateException("heliograph.relay.keys.\"" + name + "\".secret is empty");
            }
            keys.add(key(name, key.secret(), key.namespaces(), key.rateLimit().orElse(config.rateLimit())));
        });
        if (keys.isEmpty()) {
            throw new IllegalStateException("pubsub-relay has no publisher key, so nobody could publish: set "
                    + "HELIOGRAPH_RELAY_PUBLISHER_KEY (heliograph.relay.publisher-key) or "
                    + "heliograph.relay.keys.\"<name>\".secret");
        }
        return keys;
    }

    private static PublisherKey key(String name, String secret, List<String> namespaces, int rateLimit) {
        if (rateLimit < 1) {
            throw new IllegalStateException("the rate limit of publisher key " + name + " must be at least 1");
        }
        return new PublisherKey(name, sha256(secret), new LinkedHashSet<>(namespaces), rateLimit);
    }

    /**
     * The key presented as {@code Authorization: Bearer <secret>}.
     *
     * @throws HttpProblem 401 when the header is missing, malformed or names no configured key
     */
    public PublisherKey authenticate(String authorization) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw HttpProblem.unauthorized("send the publisher key as 'Authorization: Bearer <key>'");
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
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

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
