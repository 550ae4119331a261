package io.heliograph.client.quarkus;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PublishEventFilterTest {

    static {
        // This test application has no Micrometer extension; give the global registry somewhere to count.
        Metrics.addRegistry(new SimpleMeterRegistry());
    }

    @Inject
    FakeRelay relay;

    @BeforeEach
    void reset() {
        relay.reset();
    }

    @Test
    void successfulWritePublishesTheResponseEntityWithItsSubject() {
        given().queryParam("name", "sprocket").post("/widgets").then().statusCode(201);

        assertThat(relay.received()).hasSize(1);
        FakeRelay.Received sent = relay.received().get(0);
        JsonNode event = sent.body();
        assertThat(event.path("channel").asText()).isEqualTo("widgets");
        assertThat(event.path("type").asText()).isEqualTo("widget:created");
        assertThat(event.path("subject").asText()).isEqualTo("widgets/7");
        assertThat(event.path("data").path("name").asText()).isEqualTo("sprocket");
        assertThat(event.path("id").asText()).isNotBlank();
        assertThat(sent.authorization()).isEqualTo("Bearer library-test-key");
    }

    @Test
    void failedWritePublishesNothing() {
        given().post("/widgets").then().statusCode(400);

        assertThat(relay.received()).isEmpty();
    }

    @Test
    void responseWithoutEntityPublishesThePathParameters() {
        given().delete("/widgets/42").then().statusCode(204);

        assertThat(relay.received()).hasSize(1);
        JsonNode event = relay.received().get(0).body();
        assertThat(event.path("type").asText()).isEqualTo("widget:deleted");
        assertThat(event.path("data").path("id").asText()).isEqualTo("42");
        assertThat(event.has("subject")).isFalse();
    }

    @Test
    void unannotatedMethodPublishesNothing() {
        given().post("/widgets/unannotated").then().statusCode(200);

        assertThat(relay.received()).isEmpty();
    }

    @Test
    void refusedPublishKeepsTheWriteSuccessfulAndIsCounted() {
        relay.reset(new FakeRelay.Answer(403, null));
        double before = failures();

        given().queryParam("name", "gear").post("/widgets").then().statusCode(201);

        assertThat(relay.received()).hasSize(1);
        assertThat(failures()).isEqualTo(before + 1);
    }

    private static double failures() {
        return Metrics.counter(PublishEventFilter.FAILURES).count();
    }
}
