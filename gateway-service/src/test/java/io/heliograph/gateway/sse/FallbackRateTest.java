package io.heliograph.gateway.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.heliograph.gateway.support.Channels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** HTTP fallback requests are rate limited per client address (429 problem JSON with Retry-After). */
@QuarkusTest
@TestProfile(FallbackRateTest.SlowFallbacks.class)
class FallbackRateTest {

    public static class SlowFallbacks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("heliograph.gateway.fallback-request-rate", "1", "heliograph.gateway.fallback-request-burst", "3");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void longPollsAndSseOpensBeyondTheBurstGet429WithRetryAfter() {
        String channel = Channels.unique("recipes");
        List<Integer> statuses = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 6; i++) {
            Response r = i % 2 == 0
                    ? given().baseUri(base.toString()).get("/api/channels/" + channel + "/events")
                    : given().baseUri(base.toString()).get("/sse?channel=Bad!"); // counted before it is read
            statuses.add(r.statusCode());
            if (r.statusCode() == 429 && refused == null) {
                refused = r;
            }
        }
        // A burst of 3 then 1 per second: the first three pass, and in well under a second the rest do not.
        assertThat(statuses.subList(0, 3)).containsExactly(200, 400, 200);
        assertThat(statuses.subList(3, 6)).contains(429);
        assertThat(refused).isNotNull();
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.contentType()).startsWith("application/problem+json");
        refused.then().body("status", equalTo(429)).body("code", equalTo("rate_limited"));
    }
}
