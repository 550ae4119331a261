package io.heliograph.client.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.client.HeliographPublisher;
import io.heliograph.client.PublishResult;
import io.quarkus.test.junit.QuarkusTest;

/** The plain publisher as the bean a Quarkus application injects, configured by heliograph.publisher.*. */
@QuarkusTest
class InjectedPublisherTest {

    @Inject
    FakeRelay relay;

    @Inject
    HeliographPublisher publisher;

    @Test
    void theInjectedPublisherUsesTheConfiguredUrlKeyAndRetries() {
        relay.reset(new FakeRelay.Answer(429, "1"));

        PublishResult result = publisher.publish("recipes", "recipe:created", List.of(1, 2));

        List<FakeRelay.Received> attempts = relay.received();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).authorization()).isEqualTo("Bearer library-test-key");
        assertThat(Duration.ofNanos(attempts.get(1).nanoTime() - attempts.get(0).nanoTime()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(attempts.get(1).body().path("id").asText()).isEqualTo(attempts.get(0).body().path("id").asText())
                .isEqualTo(result.id());
    }
}
