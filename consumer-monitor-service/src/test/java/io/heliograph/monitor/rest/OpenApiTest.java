package io.heliograph.monitor.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.WithTestResource;
import io.heliograph.monitor.MonitorTestResource;

/** The monitor's HTTP API at /q/openapi. */
@QuarkusTest
@WithTestResource(MonitorTestResource.class)
class OpenApiTest {

    @Test
    void openApiListsEveryHttpPathAndSwaggerUiIsServed() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        List<String> paths = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(paths::add);

        assertThat(paths).contains("/api/stats", "/api/logs/recent", "/api/consumers", "/api/producers/send/single", "/api/producers/send/csv");
        assertThat(document.path("info").path("title").asText()).startsWith("Heliograph");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
