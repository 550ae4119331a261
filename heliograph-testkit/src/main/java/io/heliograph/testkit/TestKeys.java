package io.heliograph.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The JWT key pair of a test run, generated on first use into {@code target/test-keys/} of the
 * suite root, so that no private key is ever committed and every module of one build (the
 * gateway's {@code @QuarkusTest}s, packaged gateways in system tests) trusts the same key.
 */
public final class TestKeys {

    /** Where the pair lives for this build. */
    public static final Path DIR = ServiceProcess.ROOT.resolve("target").resolve("test-keys");
    /** The issuer the gateway expects by default. */
    public static final String ISSUER = "heliograph";
    /** The audience the gateway expects by default. */
    public static final String AUDIENCE = "heliograph";

    private static final Path PUBLIC = DIR.resolve("publicKey.pem");
    private static final Path PRIVATE = DIR.resolve("privateKey.pem");

    private TestKeys() {
    }

    /** The public key file, generated if needed, as the {@code file:} location SmallRye JWT reads. */
    public static synchronized String publicKeyLocation() {
        ensure();
        return "file:" + PUBLIC;
    }

    /** The private key that signs test tokens. */
    public static synchronized PrivateKey privateKey() {
        ensure();
        try {
            byte[] der = Base64.getMimeDecoder().decode(Files.readString(PRIVATE).replaceAll("-----[A-Z ]+-----", ""));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unreadable test key " + PRIVATE, e);
        }
    }

    private static void ensure() {
        if (Files.exists(PUBLIC) && Files.exists(PRIVATE)) {
            return;
        }
        try {
            Files.createDirectories(DIR);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            // Private first: a reader that sees the public file finds its private half too.
            write(PRIVATE, "PRIVATE KEY", pair.getPrivate().getEncoded());
            write(PUBLIC, "PUBLIC KEY", pair.getPublic().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is part of every Java runtime", e);
        }
    }

    private static void write(Path target, String type, byte[] der) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path temp = Files.createTempFile(DIR, target.getFileName().toString(), ".tmp");
        Files.writeString(temp, pem);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
