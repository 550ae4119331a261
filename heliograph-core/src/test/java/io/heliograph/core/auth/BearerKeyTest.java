package io.heliograph.core.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

import org.junit.jupiter.api.Test;

class BearerKeyTest {

    @Test
    void aConfiguredKeyLetsOnlyItsHolderIn() {
        BearerKey key = BearerKey.required(Optional.of("s3cret-key"), "producer key", "off");
        assertThatCode(() -> key.check("Bearer s3cret-key")).doesNotThrowAnyException();
        assertThatThrownBy(() -> key.check(null)).isInstanceOf(NotAuthorizedException.class)
                .hasMessageContaining("send the producer key as 'Authorization: Bearer <key>'");
        assertThatThrownBy(() -> key.check("Bearer guess")).isInstanceOf(NotAuthorizedException.class)
                .hasMessage("unknown producer key");
        assertThatThrownBy(() -> key.check("Basic s3cret-key")).isInstanceOf(NotAuthorizedException.class);
    }

    @Test
    void withoutAKeyARequiredEndpointIsOffAndSaysHowToEnableIt() {
        BearerKey key = BearerKey.required(Optional.of(" "), "producer key", "set HELIOGRAPH_X to enable it");
        assertThatThrownBy(() -> key.check("Bearer anything")).isInstanceOf(ForbiddenException.class)
                .hasMessage("set HELIOGRAPH_X to enable it");
    }

    @Test
    void anOptionalKeyIsOpenUntilConfigured() {
        assertThatCode(() -> BearerKey.ifConfigured(Optional.empty(), "refresh key").check(null))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> BearerKey.ifConfigured(Optional.of("k"), "refresh key").check(null))
                .isInstanceOf(NotAuthorizedException.class);
    }
}
