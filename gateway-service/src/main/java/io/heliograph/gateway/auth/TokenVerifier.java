package io.heliograph.gateway.auth;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/** Verifies client JWTs (SmallRye JWT; key and issuer from {@code mp.jwt.verify.*}). */
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

    public TokenVerifier(JWTParser parser) {
        this.parser = parser;
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
            if (expiry != null && !expiry.isAfter(Instant.now())) {
                throw new InvalidTokenException("token expired");
            }
            return new Identity(jwt.getSubject(), expiry);
        } catch (ParseException e) {
            throw new InvalidTokenException("invalid or expired token");
        }
    }
}
