package io.heliograph.core.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The Lua publish script, loaded once from the classpath, and its SHA-1 for EVALSHA. */
public record PublishScript(String source, String sha1) {

    private static final String RESOURCE = "/heliograph/publish.lua";

    public static PublishScript load() {
        try (InputStream in = PublishScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new PublishScript(source, HexFormat.of().formatHex(digest));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot load " + RESOURCE, e);
        }
    }
}
