package io.heliograph.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import io.smallrye.jwt.build.Jwt;

/** Signs test tokens with the development key pair in deploy/dev-keys. */
public final class Tokens {

    private static final PrivateKey KEY = load();

    private Tokens() {
    }

    public static String token(String subject, long ttlSeconds) {
        return Jwt.subject(subject).issuer("heliograph-dev").expiresIn(ttlSeconds).sign(KEY);
    }

    public static String tokenForOtherIssuer(String subject) {
        return Jwt.subject(subject).issuer("someone-else").expiresIn(60).sign(KEY);
    }

    private static PrivateKey load() {
        try {
            Path path = Path.of("..", "deploy", "dev-keys", "privateKey.pem");
            String pem = Files.readString(path).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read deploy/dev-keys/privateKey.pem", e);
        }
    }
}
