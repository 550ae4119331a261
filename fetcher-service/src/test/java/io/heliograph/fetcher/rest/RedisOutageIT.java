package io.heliograph.fetcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.heliograph.fetcher.testing.Fetchers;
import io.heliograph.testkit.RedisServer;
import io.heliograph.testkit.ServiceProcess;

/**
 * A fetcher whose Redis goes away: it says so (readiness DOWN, 503 problem JSON with Retry-After)
 * and recovers by itself when Redis is back. Runs its own Redis: the shared one is never stopped.
 */
class RedisOutageIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void redisDownMeansNotReadyAnd503UntilItComesBack() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer redis = new RedisServer(false);
                ServiceProcess fetcher = Fetchers.start("outage-" + run, Map.of(
                        "heliograph.fetcher.mode", "simulated",
                        "heliograph.fetcher.channels.summary", "crypto.summary-" + run,
                        "heliograph.fetcher.channels.price-prefix", "prices.it" + run + "-",
                        "heliograph.fetcher.refresh-key", "it-refresh-key-" + run,
                        "quarkus.redis.hosts", redis.url()))) {
            int port = fetcher.port();
            await().atMost(WAIT).until(() -> given().port(port).get("/q/health/ready").statusCode() == 200
                    && given().port(port).get("/api/crypto/dashboard-summary").statusCode() == 200);

            redis.stop();
            await().atMost(WAIT).until(() -> given().port(port).get("/q/health/ready").statusCode() == 503);
            var summary = given().port(port).get("/api/crypto/dashboard-summary").then().statusCode(503)
                    .contentType("application/problem+json").extract();
            assertThat(summary.header("Retry-After")).isNotBlank();
            assertThat(summary.jsonPath().getInt("status")).isEqualTo(503);
            assertThat(summary.jsonPath().getString("detail")).contains("Redis");
            // The key is checked first: a stranger gets 401 whatever Redis does; the key holder learns Redis is away.
            given().port(port).post("/api/crypto/dashboard-summary/refresh").then().statusCode(401)
                    .contentType("application/problem+json");
            given().port(port).header("Authorization", "Bearer it-refresh-key-" + run)
                    .post("/api/crypto/dashboard-summary/refresh").then().statusCode(503);
            given().port(port).get("/api/prices").then().statusCode(503);
            // Liveness is unaffected: restarting the process would not bring Redis back.
            given().port(port).get("/q/health/live").then().statusCode(200);

            redis.start();
            await().atMost(WAIT).until(() -> given().port(port).get("/q/health/ready").statusCode() == 200);
            // It takes the lock in the new Redis and streams again.
            await().atMost(WAIT).until(() -> given().port(port).get("/api/crypto/dashboard-summary").statusCode() == 200
                    && given().port(port).get("/api/prices").jsonPath().getList("prices").size() == 8);
        }
    }
}
