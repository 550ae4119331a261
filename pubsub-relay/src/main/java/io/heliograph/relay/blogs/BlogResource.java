package io.heliograph.relay.blogs;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.client.PublishEvent;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.crud.DocumentStore;
import io.heliograph.relay.rest.HttpProblem;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/** The example blog backend: successful writes become {@code blog:*} events on channel {@code blogs}. */
@Path("/api/blogs")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Blogs", description = "Example CRUD backend publishing blog:* events")
public class BlogResource {

    private final DocumentStore<BlogPost> store;

    public BlogResource(ReactiveRedisDataSource redis, ObjectMapper mapper, RelayConfig config) {
        this.store = new DocumentStore<>(redis, mapper, config, "blogs", BlogPost.class);
    }

    @GET
    public Uni<List<BlogPost>> list() {
        return store.list();
    }

    @GET
    @Path("{id}")
    public Uni<BlogPost> get(@RestPath long id) {
        return store.get(id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    @POST
    @PublishEvent(channel = "blogs", type = "blog:created", subject = "blogs/{id}")
    public Uni<RestResponse<BlogPost>> create(@Valid @NotNull BlogPostInput input) {
        String now = Instant.now().toString();
        return store.create(id -> BlogPost.create(id, input, now))
                .map(post -> RestResponse.ResponseBuilder.<BlogPost>created(URI.create("/api/blogs/" + post.id())).entity(post).build());
    }

    @PUT
    @Path("{id}")
    @PublishEvent(channel = "blogs", type = "blog:updated", subject = "blogs/{id}")
    public Uni<BlogPost> update(@RestPath long id, @Valid @NotNull BlogPostInput input) {
        String now = Instant.now().toString();
        return store.update(id, post -> post.update(input, now))
                .map(updated -> updated.orElseThrow(() -> notFound(id)));
    }

    /** Answers the deleted post, so the {@code blog:deleted} event carries it. */
    @DELETE
    @Path("{id}")
    @PublishEvent(channel = "blogs", type = "blog:deleted", subject = "blogs/{id}")
    public Uni<BlogPost> delete(@RestPath long id) {
        return store.delete(id).map(deleted -> deleted.orElseThrow(() -> notFound(id)));
    }

    private static HttpProblem notFound(long id) {
        return HttpProblem.notFound("no blog post with id " + id);
    }
}
