package io.heliograph.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * A service-to-service secret sent as {@code Authorization: Bearer <secret>}. Only its SHA-256
 * digest is kept, and digests are compared with {@link MessageDigest#isEqual}, so how long a check
 * takes tells nothing about the secret. Immutable and thread-safe.
 */
public final class BearerSecret {

    private static final String BEARER = "bearer ";

    private final byte[] digest;

    private BearerSecret(byte[] digest) {
        this.digest = digest;
    }

    public static BearerSecret of(String secret) {
        return new BearerSecret(digest(secret));
    }

    /** The secret an {@code Authorization} header presents; empty when the header is missing or not Bearer. */
    public static Optional<String> presented(String authorization) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(BEARER.length()).trim());
    }

    /** Whether {@code presented} is this secret, in time independent of where they differ. */
    public boolean matches(String presented) {
        return MessageDigest.isEqual(digest, digest(presented));
    }

    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
