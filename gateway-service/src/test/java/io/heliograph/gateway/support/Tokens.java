package io.heliograph.gateway.support;

import java.security.PrivateKey;

import io.heliograph.testkit.TestKeys;
import io.smallrye.jwt.build.Jwt;

/** Signs test tokens with this build's generated key pair ({@link TestKeys}). */
public final class Tokens {

    private static final PrivateKey KEY = TestKeys.privateKey();

    private Tokens() {
    }

    public static String token(String subject, long ttlSeconds) {
        return Jwt.subject(subject).issuer(TestKeys.ISSUER).audience(TestKeys.AUDIENCE).expiresIn(ttlSeconds).sign(KEY);
    }

    public static String tokenForOtherIssuer(String subject) {
        return Jwt.subject(subject).issuer("someone-else").audience(TestKeys.AUDIENCE).expiresIn(60).sign(KEY);
    }

    public static String tokenForOtherAudience(String subject) {
        return Jwt.subject(subject).issuer(TestKeys.ISSUER).audience("another-service").expiresIn(60).sign(KEY);
    }

    /** A token whose exp is far away but that was issued longer ago than the gateway's maximum age. */
    public static String tokenIssuedAgo(String subject, long secondsAgo) {
        long now = System.currentTimeMillis() / 1000;
        return Jwt.subject(subject).issuer(TestKeys.ISSUER).audience(TestKeys.AUDIENCE)
                .issuedAt(now - secondsAgo).expiresAt(now + 3600).sign(KEY);
    }
}
