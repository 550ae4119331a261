package io.heliograph.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RelayResponseExceptionMapperTest {

    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void retryAfterInSeconds() {
        assertThat(RelayResponseExceptionMapper.parseRetryAfter("7", NOW)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsHttpDate() {
        assertThat(RelayResponseExceptionMapper.parseRetryAfter("Sat, 21 Nov 2026 10:00:30 GMT", NOW))
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void missingOrUnreadableRetryAfterIsIgnored() {
        assertThat(RelayResponseExceptionMapper.parseRetryAfter(null, NOW)).isNull();
        assertThat(RelayResponseExceptionMapper.parseRetryAfter("soon", NOW)).isNull();
        assertThat(RelayResponseExceptionMapper.parseRetryAfter("-1", NOW)).isNull();
    }

    @Test
    void subjectPlaceholdersComeFromTheData() {
        var data = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("id", 42).put("slug", "pho");
        assertThat(PublishEventFilter.subject("recipes/{id}/{slug}", data)).isEqualTo("recipes/42/pho");
        assertThat(PublishEventFilter.subject("recipes/{missing}", data)).isEqualTo("recipes/");
    }
}
