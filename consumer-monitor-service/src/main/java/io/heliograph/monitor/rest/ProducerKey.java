package io.heliograph.monitor.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

import io.heliograph.monitor.config.MonitorConfig;

/**
 * The credential of the producer endpoints. Secrets are compared as SHA-256 digests in constant
 * time, so how long a check takes tells nothing about the key. Thread-safe.
 */
@ApplicationScoped
public class ProducerKey {

    private static final String BEARER = "bearer ";

    private final Optional<byte[]> key;

    public ProducerKey(MonitorConfig config) {
        this.key = config.producer().key().filter(k -> !k.isBlank()).map(ProducerKey::sha256);
    }

    /**
     * @throws ForbiddenException 403 when no key is configured (the API is off)
     * @throws NotAuthorizedException 401 when the header is missing or names another key
     */
    void check(String authorization) {
        byte[] expected = key.orElseThrow(() -> new ForbiddenException("the producer API is disabled on this monitor: "
                + "set HELIOGRAPH_MONITOR_PRODUCER_KEY (heliograph.monitor.producer.key) to enable it"));
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw new NotAuthorizedException("send the producer key as 'Authorization: Bearer <key>'", "Bearer");
        }
        if (!MessageDigest.isEqual(expected, sha256(authorization.substring(BEARER.length()).trim()))) {
            throw new NotAuthorizedException("unknown producer key", "Bearer");
        }
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
