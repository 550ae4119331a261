package io.heliograph.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(10));

    static RelayException failure(int status, Duration retryAfter) {
        return new RelayException(status, "t", null, retryAfter, null);
    }

    @Test
    void retryAfterInSeconds() {
        assertThat(RetryPolicy.parseRetryAfter("7", NOW)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsHttpDate() {
        assertThat(RetryPolicy.parseRetryAfter("Sat, 21 Nov 2026 10:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void missingOrUnreadableRetryAfterIsIgnored() {
        assertThat(RetryPolicy.parseRetryAfter(null, NOW)).isNull();
        assertThat(RetryPolicy.parseRetryAfter("soon", NOW)).isNull();
        assertThat(RetryPolicy.parseRetryAfter("-1", NOW)).isNull();
    }

    @Test
    void backoffDoublesWithoutRetryAfterAndIsCapped() {
        assertThat(POLICY.delayBeforeRetry(failure(503, null), 1)).isEqualTo(Duration.ofMillis(200));
        assertThat(POLICY.delayBeforeRetry(failure(503, null), 3)).isEqualTo(Duration.ofMillis(800));
        assertThat(new RetryPolicy(30, Duration.ofSeconds(1), Duration.ofSeconds(10))
                .delayBeforeRetry(failure(0, null), 20)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void retryAfterIsObeyedUnlessBeyondTheCap() {
        assertThat(POLICY.delayBeforeRetry(failure(429, Duration.ofSeconds(2)), 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(POLICY.delayBeforeRetry(failure(429, Duration.ofHours(1)), 1)).isNull();
    }

    @Test
    void refusalsAndExhaustedRetriesAreFinal() {
        for (int status : new int[] {400, 401, 403, 413}) {
            assertThat(POLICY.delayBeforeRetry(failure(status, null), 1)).as("status %d", status).isNull();
        }
        assertThat(POLICY.delayBeforeRetry(failure(503, null), 4)).isNull();
    }
}
