package io.heliograph.relay.recipes;

import static io.heliograph.relay.Channels.crud;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.relay.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The example backend end to end: HTTP write, Redis, the library over HTTP, the relay, the channel. */
@QuarkusTest
class RecipeResourceTest {

    @Inject
    RedisDataSource redis;

    List<JsonNode> events(String title) {
        return Channels.framesWith(redis, "recipes", "title", title);
    }

    @Test
    void createUpdateDeleteEachPublishTheirEvent() {
        String title = Channels.unique("Pho");

        var response = crud().contentType(ContentType.JSON)
                .body(Map.of("title", title, "ingredients", List.of("noodles", "broth"), "minutes", 90))
                .post("/api/recipes").then().statusCode(201).body("title", equalTo(title)).extract();
        int id = response.path("id");
        assertThat(response.header("Location")).endsWith("/api/recipes/" + id);
        // The response came after the relay acknowledged the event: it is already in the channel.
        List<JsonNode> created = events(title);
        assertThat(created).hasSize(1);
        JsonNode event = created.get(0).path("event");
        assertThat(event.path("type").asText()).isEqualTo("recipe:created");
        assertThat(event.path("subject").asText()).isEqualTo("recipes/" + id);
        assertThat(event.path("source").asText()).isEqualTo("/pubsub-relay");
        assertThat(event.path("data").path("id").asInt()).isEqualTo(id);
        assertThat(event.path("data").path("minutes").asInt()).isEqualTo(90);

        given().get("/api/recipes/" + id).then().statusCode(200).body("title", equalTo(title));
        given().get("/api/recipes").then().statusCode(200).body("id", hasItem(id));

        crud().contentType(ContentType.JSON).body(Map.of("title", title, "minutes", 45))
                .put("/api/recipes/" + id).then().statusCode(200).body("minutes", equalTo(45));
        crud().delete("/api/recipes/" + id).then().statusCode(200).body("id", equalTo(id));
        given().get("/api/recipes/" + id).then().statusCode(404).contentType("application/problem+json");

        assertThat(events(title)).extracting(f -> f.path("event").path("type").asText())
                .containsExactly("recipe:created", "recipe:updated", "recipe:deleted");
        assertThat(events(title)).extracting(f -> f.path("offset").asLong()).isSorted();
    }

    @Test
    void invalidRecipeIs400AndPublishesNothing() {
        String longTitle = Channels.unique("t") + "x".repeat(200);
        crud().contentType(ContentType.JSON).body(Map.of("title", longTitle, "minutes", 0))
                .post("/api/recipes").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("bad_request"))
                .body("detail", org.hamcrest.Matchers.containsString("title"))
                .body("detail", org.hamcrest.Matchers.containsString("minutes"));
        crud().contentType(ContentType.JSON).body(Map.of("summary", "no title"))
                .post("/api/recipes").then().statusCode(400);
        assertThat(events(longTitle)).isEmpty();
    }

    @Test
    void writesToMissingRecipesAre404AndPublishNothing() {
        String title = Channels.unique("Ghost");
        crud().contentType(ContentType.JSON).body(Map.of("title", title))
                .put("/api/recipes/999999999").then().statusCode(404).body("code", equalTo("not_found"));
        crud().delete("/api/recipes/999999999").then().statusCode(404);
        assertThat(events(title)).isEmpty();
    }

    @Test
    void writesNeedTheCrudKeyAndAreRefusedBeforeTheBodyIsRead() {
        String title = "unauthorized-" + java.util.UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("title", title)).post("/api/recipes").then()
                .statusCode(401).contentType("application/problem+json").body("detail", containsString("Bearer"));
        given().header("Authorization", "Bearer " + Channels.KEY).contentType(ContentType.JSON).body(Map.of("title", title))
                .post("/api/recipes").then().statusCode(401).body("detail", containsString("unknown CRUD key"));
        // Refused on the key alone: a body that would not even parse is never looked at.
        given().contentType(ContentType.JSON).body("{not json").post("/api/recipes").then().statusCode(401);
        given().delete("/api/recipes/1").then().statusCode(401);
        given().get("/api/recipes").then().statusCode(200).body("title", org.hamcrest.Matchers.not(hasItem(title)));
    }

    @Test
    void browsersOnTheGatewayOriginsMayCallIt() {
        for (String origin : List.of("http://localhost:8080", "http://localhost:8090", "http://127.0.0.1:8080",
                "http://127.0.0.1:8090")) {
            given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .options("/api/recipes").then().statusCode(200)
                    .header("Access-Control-Allow-Origin", origin);
        }
        given().header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/api/recipes").then().header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
    }
}
