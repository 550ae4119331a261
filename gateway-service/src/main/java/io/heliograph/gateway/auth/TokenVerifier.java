package io.heliograph.gateway.auth;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Verifies client JWTs (SmallRye JWT: key, issuer, audiences and maximum age from {@code mp.jwt.verify.*}).
 * A token is valid until its {@code exp} or until {@code iat} plus the maximum age, whichever comes first,
 * so a long-lived connection is closed when either passes.
 */
@ApplicationScoped
public class TokenVerifier {

    /** A verified token: its subject and expiry. */
    public record Identity(String subject, Instant expiresAt) {
    }

    /** Thrown for an invalid or expired token; the message is safe to show the client. */
    public static class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    private final JWTParser parser;
    private final Optional<Long> maxAgeSeconds;

    public TokenVerifier(JWTParser parser, @ConfigProperty(name = "mp.jwt.verify.token.age") Optional<Long> maxAgeSeconds) {
        this.parser = parser;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    public Identity verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("token is missing");
        }
        try {
            JsonWebToken jwt = parser.parse(token);
            if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
                throw new InvalidTokenException("token has no subject");
            }
            Instant expiry = jwt.getExpirationTime() > 0 ? Instant.ofEpochSecond(jwt.getExpirationTime()) : null;
            if (maxAgeSeconds.isPresent() && jwt.getIssuedAtTime() > 0) {
                Instant aged = Instant.ofEpochSecond(jwt.getIssuedAtTime() + maxAgeSeconds.get());
                expiry = expiry == null || aged.isBefore(expiry) ? aged : expiry;
            }
            if (expiry != null && !expiry.isAfter(Instant.now())) {
                throw new InvalidTokenException("token expired");
            }
            return new Identity(jwt.getSubject(), expiry);
        } catch (ParseException e) {
            throw new InvalidTokenException("invalid or expired token");
        }
    }
}
