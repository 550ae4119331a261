package io.heliograph.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.heliograph.testkit.TestKeys;

/** What a gateway refuses to start with; the message must say what to set. */
class VerifyKeyPolicyTest {

    /** The public half of the development key pair once committed to the repository (its private half is public). */
    static final String PUBLISHED_DEV_KEY = """
            -----BEGIN PUBLIC KEY-----
            MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxVdsMLnokFXoRum7oqIj
            6j3VyHDnr4lrjmdS8L5YfUtNkhtm/FBrJsXP6vZdUPmI+Uus2nGZLYxnMMvsyz6P
            chBawm5xMHNWcrET5KlDTa+bnGB5zRCd349wflEsSHPJFp4IhJ/834cJZpMygJ5P
            60b0BCImgQ5qxnBvNtC9GUsl8IDvA+ZI7zAxH7oD+Y06YhceT3zq9GnG002YBm3J
            K/1hBfU0MrCXRtqCUY5LBgvS0FJniVRBbJfe6bet2tMysfWB7U1iJJov2G5eZPNc
            Z6MfgfGZ/rEx/5GJH6FsmId3QbwNZ4/Gtfcmes2TIyIzx6GMoHtyiZdyEYFFYsmp
            kQIDAQAB
            -----END PUBLIC KEY-----
            """;

    @Test
    void noKeyIsRefusedWithWhatToSet() {
        assertThat(VerifyKeyPolicy.verdict(null, null))
                .contains("no JWT verify key").contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }

    @Test
    void thePublishedDevelopmentKeyIsRefusedInlineAndFromAFile(@TempDir Path dir) throws Exception {
        assertThat(VerifyKeyPolicy.verdict(PUBLISHED_DEV_KEY, null)).contains("private half is public");
        String bare = PUBLISHED_DEV_KEY.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertThat(VerifyKeyPolicy.verdict(bare, null)).contains("private half is public");
        Path file = Files.writeString(dir.resolve("publicKey.pem"), PUBLISHED_DEV_KEY);
        assertThat(VerifyKeyPolicy.verdict(null, "file:" + file)).contains("private half is public").contains(file.toString());
        assertThat(VerifyKeyPolicy.verdict(null, file.toString())).contains("private half is public");
    }

    @Test
    void thePlaceholderOfTheExamplesIsRefused() {
        assertThat(VerifyKeyPolicy.verdict("replace-with-the-base64-public-key", null))
                .contains("placeholder").contains("MP_JWT_VERIFY_PUBLICKEY");
    }

    @Test
    void aKeyOfOurOwnIsAccepted() {
        assertThat(VerifyKeyPolicy.verdict(null, TestKeys.publicKeyLocation())).isNull();
        assertThat(VerifyKeyPolicy.verdict(null, "https://idp.example.com/jwks.json")).isNull();
    }

    @Test
    void aMissingKeyFileIsAnErrorThatSaysWhere() {
        assertThatThrownBy(() -> VerifyKeyPolicy.verdict(null, "file:/nonexistent/publicKey.pem"))
                .hasMessageContaining("/nonexistent/publicKey.pem").hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }
}
