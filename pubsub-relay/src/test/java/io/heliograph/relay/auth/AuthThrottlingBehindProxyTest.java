package io.heliograph.relay.auth;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.Channels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Behind a trusted proxy (here loopback, where the test connects from) failed authentications count against the
 * client the proxy names in {@code X-Forwarded-For}: one guesser is throttled, not everyone behind the proxy.
 */
@QuarkusTest
@TestProfile(AuthThrottlingBehindProxyTest.BehindAProxy.class)
class AuthThrottlingBehindProxyTest {

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("heliograph.relay.auth-failures-per-minute", "3",
                    "heliograph.relay.trusted-proxies", "127.0.0.0/8,::1");
        }
    }

    static io.restassured.response.ValidatableResponse publish(String key, String forwardedFor) {
        return given().header("Authorization", "Bearer " + key).header("X-Forwarded-For", forwardedFor)
                .contentType(ContentType.JSON).body(Map.of("channel", Channels.fresh("recipes"), "type", "t", "data", 1))
                .post("/api/events").then();
    }

    @Test
    void theGuesserBehindTheProxyIsThrottledAndItsNeighboursAreNot() {
        for (int i = 0; i < 3; i++) {
            publish("guess-" + i, "203.0.113.7").statusCode(401);
        }
        publish(Channels.KEY, "203.0.113.7").statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        // Another client of the same proxy; and a hop the client added itself in front is not believed.
        publish(Channels.KEY, "203.0.113.8").statusCode(202);
        publish(Channels.KEY, "203.0.113.8, 203.0.113.7").statusCode(429);
        publish(Channels.KEY, "203.0.113.7, 203.0.113.8").statusCode(202);
    }
}
