package io.heliograph.gateway.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start a gateway that would accept tokens anybody can mint: one with no verify key, or
 * one trusting a key whose private half is public. The development key pair that used to be
 * committed here is in the repository's history forever, so it is refused in every profile; local
 * keys are generated per checkout by {@code ./heliograph} instead.
 */
@ApplicationScoped
public class VerifyKeyPolicy {

    private static final Logger LOG = Logger.getLogger(VerifyKeyPolicy.class);

    /** SHA-256 of the DER SubjectPublicKeyInfo of every key whose private half was published. */
    static final Set<String> PUBLISHED_KEYS = Set.of(
            "aae85d08c3f16031dc59c35e9aaf0fa1e91adaabfab17a2c1e5f9f1bcabad14c");

    static final String HOW_TO_SET = "set MP_JWT_VERIFY_PUBLICKEY_LOCATION to the PEM (or JWKS) file or URL of the key "
            + "that signs your users' tokens, or MP_JWT_VERIFY_PUBLICKEY to the key itself "
            + "(k8s/README.md and docs/deployment.md show how to create one)";

    private final Optional<String> key;
    private final Optional<String> location;

    public VerifyKeyPolicy(@ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> key,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> location) {
        this.key = key.filter(k -> !k.isBlank());
        this.location = location.filter(l -> !l.isBlank());
    }

    void check(@Observes StartupEvent event) {
        String verdict = verdict(key.orElse(null), location.orElse(null));
        if (verdict != null) {
            throw new IllegalStateException(verdict);
        }
        LOG.infof("client tokens verified with %s", location.map(l -> "the key at " + l).orElse("the configured key"));
    }

    /** Why this configuration must not run, or null when it may. */
    static String verdict(String key, String location) {
        if (key == null && location == null) {
            return "the gateway has no JWT verify key, so no token could be checked: " + HOW_TO_SET;
        }
        String content = key != null ? key : read(location);
        if (content == null) {
            return null; // a remote JWKS: SmallRye fetches and checks it itself
        }
        String body = content.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        if (body.startsWith("{")) {
            return null; // a JWKS: SmallRye checks it
        }
        String fingerprint = fingerprint(body);
        if (fingerprint == null) {
            return "the JWT verify key " + (location != null ? "at " + location + " " : "")
                    + "is neither a PEM, a base64 DER public key nor a JWKS (a placeholder?): " + HOW_TO_SET;
        }
        if (PUBLISHED_KEYS.contains(fingerprint)) {
            return "the JWT verify key " + (location != null ? "at " + location + " " : "")
                    + "is the development key whose private half is public (anyone could sign tokens for any user): "
                    + HOW_TO_SET + "; ./heliograph generates a local pair under .heliograph/jwt/";
        }
        return null;
    }

    /** The key text at a SmallRye location ({@code file:}, {@code classpath:} or a path); null for http(s). */
    private static String read(String location) {
        try {
            if (location.startsWith("http:") || location.startsWith("https:")) {
                return null;
            }
            if (location.startsWith("file:")) {
                return Files.readString(Path.of(location.substring("file:".length())));
            }
            String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream(resource.startsWith("/") ? resource.substring(1) : resource)) {
                if (in != null) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path path = Path.of(resource);
            if (Files.exists(path)) {
                return Files.readString(path);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the JWT verify key at " + location + ": " + e.getMessage()
                    + "; " + HOW_TO_SET, e);
        }
        throw new IllegalStateException("the JWT verify key at " + location + " does not exist: " + HOW_TO_SET);
    }

    /** SHA-256 of a base64 DER key; null when it is not base64. */
    private static String fingerprint(String body) {
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (IllegalArgumentException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
