package io.heliograph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HeliographPublisherTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    FakeRelay relay;

    @Inject
    HeliographPublisher publisher;

    @Test
    void rateLimitedPublishWaitsForRetryAfterThenSucceeds() {
        relay.reset(new FakeRelay.Answer(429, "1"));

        PublishResult result = publisher.publish("recipes", "recipe:created", List.of(1, 2)).await().atMost(WAIT);

        List<FakeRelay.Received> attempts = relay.received();
        assertThat(attempts).hasSize(2);
        assertThat(Duration.ofNanos(attempts.get(1).nanoTime() - attempts.get(0).nanoTime()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        // The id is chosen before the first attempt, so the relay recognises the retry as the same event.
        String id = attempts.get(0).body().path("id").asText();
        assertThat(attempts.get(1).body().path("id").asText()).isEqualTo(id);
        assertThat(result.id()).isEqualTo(id);
    }

    @Test
    void unavailableRelayIsRetriedWithBackoffWhenNoRetryAfterIsGiven() {
        relay.reset(new FakeRelay.Answer(503, null), new FakeRelay.Answer(503, null));

        PublishResult result = publisher.publish(EventRequest.of("recipes", "recipe:updated", "x").withId("fixed-id"))
                .await().atMost(WAIT);

        assertThat(relay.received()).hasSize(3);
        assertThat(result.id()).isEqualTo("fixed-id");
    }

    @Test
    void refusalIsNotRetried() {
        relay.reset(new FakeRelay.Answer(400, null));

        assertThatThrownBy(() -> publisher.publish("recipes", "recipe:created", 1).await().atMost(WAIT))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.detail()).isEqualTo("scripted failure");
                });
        assertThat(relay.received()).hasSize(1);
    }

    @Test
    void retryAfterBeyondTheBudgetFailsAtOnce() {
        relay.reset(new FakeRelay.Answer(429, "3600"));

        assertThatThrownBy(() -> publisher.publish("recipes", "recipe:created", 1).await().atMost(WAIT))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofHours(1));
                });
        assertThat(relay.received()).hasSize(1);
    }

    @Test
    void givesUpAfterMaxRetries() {
        relay.reset(new FakeRelay.Answer(503, null), new FakeRelay.Answer(503, null), new FakeRelay.Answer(503, null),
                new FakeRelay.Answer(503, null), new FakeRelay.Answer(503, null));

        assertThatThrownBy(() -> publisher.publish("recipes", "recipe:created", 1).await().atMost(WAIT))
                .isInstanceOfSatisfying(RelayException.class, e -> assertThat(e.isTransient()).isTrue());
        assertThat(relay.received()).hasSize(4); // the first attempt and max-retries=3 retries
    }
}
