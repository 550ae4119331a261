package io.heliograph.monitor.rest;

import static io.heliograph.monitor.MonitorTestResource.producer;
import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.monitor.MonitorTestResource;
import io.heliograph.monitor.config.MonitorConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The HTTP API: what it reports, and how it refuses bad input (RFC 9457 problem JSON). */
@QuarkusTest
@WithTestResource(MonitorTestResource.class)
class MonitorResourceTest {

    @Inject
    MonitorConfig config;

    @Test
    void recentLogsShowFinishedRecordsNewestFirst() {
        String sent = producer().contentType("application/json").body("{\"id\":\"log-1\",\"amount\":3}")
                .post("/api/producers/send/single?topic=" + topic()).then().statusCode(202)
                .extract().jsonPath().getString("offset");
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/logs/recent?limit=100").jsonPath()
                .getList("findAll { it.offset == " + sent + " && it.topic == '" + topic() + "' }").size() == 1);
        List<Map<String, Object>> one = get("/api/logs/recent?limit=1").then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(one).hasSize(1);
        assertThat(one.get(0)).containsKeys("logId", "topic", "partition", "offset", "dataType", "rowCount", "status",
                "consumerId", "timestamp");
    }

    @Test
    void thisInstanceIsAnActiveConsumerHoldingTheTopicsPartitions() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> get("/api/consumers").then().statusCode(200)
                .body("status", hasItem("ACTIVE"))
                .body("find { it.status == 'ACTIVE' }.partitions", hasItem(topic() + "-0"))
                .body("find { it.status == 'ACTIVE' }.partitions", hasItem(topic() + "-1")));
        get("/api/stats").then().statusCode(200).body("activeConsumers", equalTo(1));
    }

    @Test
    void badProducerInputIsRefusedWithProblemJson() {
        refused(producer().contentType("application/json").body(""), "/single", "the body is empty");
        refused(producer().contentType("application/json").body("[1,2]"), "/single", "expected a JSON object, got array");
        refused(producer().contentType("application/json").body("{\"id\":"), "/single", "malformed JSON");
        refused(producer().contentType("application/json").body("{\"id\":1}"), "/single?topic=bad%20topic!", "topic must match");
        refused(producer().contentType("text/csv").body("id,amount\n"), "/csv", "header but no rows");
        refused(producer().contentType("text/csv").body("id,amount\n1,2,3\n"), "/csv", "malformed CSV at row 1");
        producer().contentType("text/plain").body("x").post("/api/producers/send/csv").then().statusCode(415);
    }

    @Test
    void theProducerApiNeedsItsKeyAndWritesOnlyIntoTheConsumedTopics() {
        String body = "{\"id\":\"k-1\",\"amount\":1}";
        given().contentType("application/json").body(body).post("/api/producers/send/single?topic=" + topic()).then()
                .statusCode(401).contentType("application/problem+json").body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer wrong-key").contentType("application/json").body(body)
                .post("/api/producers/send/single?topic=" + topic()).then().statusCode(401)
                .body("detail", containsString("unknown producer key"));
        producer().contentType("application/json").body(body).post("/api/producers/send/single?topic=some-other-topic").then()
                .statusCode(403).contentType("application/problem+json").body("detail", containsString(topic()));
    }

    @Test
    void aBurstOfProducerRequestsIsAnswered429WithRetryAfter() throws InterruptedException {
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 80 && limited == 0; i++) {
            var response = producer().contentType("application/json").body("").post("/api/producers/send/single?topic=" + topic());
            if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.header("Retry-After");
                assertThat(response.contentType()).startsWith("application/problem+json");
            } else {
                assertThat(response.statusCode()).isEqualTo(400); // the empty body, once admitted
            }
        }
        assertThat(limited).as("80 requests at once exceed 20 per second").isEqualTo(1);
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 2);
        // The limit is the whole application's: let the window pass, so that the next test's records get in.
        Thread.sleep(Integer.parseInt(retryAfter) * 1000L + 200);
    }

    @Test
    void badLimitIsRefused() {
        get("/api/logs/recent?limit=0").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("limit must be from 1 to 100"));
        get("/api/logs/recent?limit=ten").then().statusCode(400).body("status", equalTo(400));
    }

    private void refused(io.restassured.specification.RequestSpecification request, String path, String detail) {
        String full = path.contains("?") ? path : path + "?topic=" + topic();
        request.post("/api/producers/send" + full).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"))
                .body("detail", containsString(detail));
    }

    private String topic() {
        return config.topics().get(0);
    }
}
