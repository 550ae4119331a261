package io.heliograph.relay.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The relay's HTTP API at /q/openapi: the publish API and the example CRUD backend. */
@QuarkusTest

class OpenApiTest {

    @Test
    void openApiListsEveryHttpPathAndSwaggerUiIsServed() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        List<String> paths = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(paths::add);

        assertThat(paths).contains("/api/events", "/api/events/batch", "/api/recipes", "/api/recipes/{id}", "/api/blogs", "/api/blogs/{id}");
        assertThat(document.path("info").path("title").asText()).startsWith("Heliograph");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
