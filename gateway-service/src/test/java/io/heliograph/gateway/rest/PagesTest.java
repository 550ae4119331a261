package io.heliograph.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The gateway serves the client library and the dashboards, with clean URLs. */
@QuarkusTest
class PagesTest {

    @ParameterizedTest
    @ValueSource(strings = { "crypto", "prices", "consumers", "recipes", "chat", "metrics" })
    void cleanUrlsRedirectToTheDashboard(String page) {
        given().redirects().follow(false).get("/" + page).then().statusCode(302)
                .header("Location", endsWith("/" + page + "/"));
        given().get("/" + page + "/").then().statusCode(200).contentType(containsString("text/html"));
    }

    @Test
    void theIndexTheClientLibraryAndItsTypesAreServed() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"));
        given().get("/heliograph.js").then().statusCode(200).body(containsString("export"));
        given().get("/heliograph.d.ts").then().statusCode(200);
    }
}
