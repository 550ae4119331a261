package io.heliograph.relay.blogs;

import static io.heliograph.relay.Channels.crud;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.relay.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class BlogResourceTest {

    @Inject
    RedisDataSource redis;

    @Test
    void writesPublishBlogEventsOnTheBlogsChannel() {
        String title = Channels.unique("Hello");
        int id = crud().contentType(ContentType.JSON).body(Map.of("title", title, "author", "ana", "body", "first"))
                .post("/api/blogs").then().statusCode(201).extract().path("id");
        crud().contentType(ContentType.JSON).body(Map.of("title", title, "author", "ana", "body", "second"))
                .put("/api/blogs/" + id).then().statusCode(200).body("body", equalTo("second"));
        crud().delete("/api/blogs/" + id).then().statusCode(200);

        assertThat(Channels.framesWith(redis, "blogs", "title", title))
                .extracting(f -> f.path("event").path("type").asText() + " " + f.path("event").path("subject").asText())
                .containsExactly("blog:created blogs/" + id, "blog:updated blogs/" + id, "blog:deleted blogs/" + id);
    }

    @Test
    void invalidPostIs400AndPublishesNothing() {
        String title = Channels.unique("Empty");
        crud().contentType(ContentType.JSON).body(Map.of("title", title, "author", "", "body", ""))
                .post("/api/blogs").then().statusCode(400).body("code", equalTo("bad_request"));
        assertThat(Channels.framesWith(redis, "blogs", "title", title)).isEmpty();
    }
}
