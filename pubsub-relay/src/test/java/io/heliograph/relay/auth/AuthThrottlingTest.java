package io.heliograph.relay.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.Channels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** Key guessing, as an attacker would try it: wrong keys in a row from one address, and huge bodies without one. */
@QuarkusTest
@TestProfile(AuthThrottlingTest.FiveFailures.class)
class AuthThrottlingTest {

    public static class FiveFailures implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("heliograph.relay.auth-failures-per-minute", "5");
        }
    }

    @Test
    void theKeyIsCheckedBeforeTheBodyIsReadAndGuessersAreThrottled() {
        // Not JSON and 4 MB: refused on the key alone, never parsed.
        given().contentType(ContentType.JSON).body("{not json").post("/api/events").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("Bearer"));
        given().header("Authorization", "Bearer guess-2").contentType(ContentType.JSON).body("x".repeat(4 << 20))
                .post("/api/events").then().statusCode(401);
        for (int i = 3; i <= 5; i++) {
            // No trusted proxies by default: a client cannot pass for another address with X-Forwarded-For.
            given().header("Authorization", "Bearer guess-" + i).header("X-Forwarded-For", "198.51.100." + i)
                    .contentType(ContentType.JSON).body("{}").post("/api/events/batch").then().statusCode(401);
        }
        // Five failures used this minute's budget: even the right key waits, told for how long.
        var limited = given().header("Authorization", "Bearer " + Channels.KEY).contentType(ContentType.JSON)
                .body(Map.of("channel", Channels.fresh("recipes"), "type", "t", "data", 1)).post("/api/events").then()
                .statusCode(429).contentType("application/problem+json").extract();
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        assertThat(limited.jsonPath().getString("detail")).contains("failed authentications");
        // The example CRUD backend's writes share the budget.
        given().header("Authorization", "Bearer " + Channels.CRUD_KEY).contentType(ContentType.JSON)
                .body(Map.of("title", "t")).post("/api/recipes").then().statusCode(429);
    }
}
