package io.heliograph.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerSecretTest {

    @Test
    void onlyABearerHeaderPresentsASecret() {
        assertThat(BearerSecret.presented("Bearer abc")).contains("abc");
        assertThat(BearerSecret.presented("bearer  abc ")).contains("abc");
        assertThat(BearerSecret.presented(null)).isEmpty();
        assertThat(BearerSecret.presented("Basic abc")).isEmpty();
        assertThat(BearerSecret.presented("abc")).isEmpty();
    }

    @Test
    void matchesOnlyTheSameSecret() {
        BearerSecret secret = BearerSecret.of("s3cret");
        assertThat(secret.matches("s3cret")).isTrue();
        assertThat(secret.matches("s3creT")).isFalse();
        assertThat(secret.matches("")).isFalse();
    }
}
