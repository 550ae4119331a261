package io.heliograph.relay.blogs;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.client.quarkus.PublishEvent;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.crud.DocumentResource;
import io.heliograph.relay.crud.DocumentStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/** The example blog backend: successful writes become {@code blog:*} events on channel {@code blogs}. */
@Path("/api/blogs")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Blogs", description = "Example CRUD backend publishing blog:* events")
public class BlogResource extends DocumentResource<BlogPost, BlogPostInput> {

    public BlogResource(ReactiveRedisDataSource redis, ObjectMapper mapper, RelayConfig config) {
        super(new DocumentStore<>(redis, mapper, config, "blogs", BlogPost.class), "/api/blogs", "blog post",
                BlogPost::create, BlogPost::update);
    }

    @POST
    @PublishEvent(channel = "blogs", type = "blog:created", subject = "blogs/{id}")
    public Uni<RestResponse<BlogPost>> create(@Valid @NotNull BlogPostInput input) {
        return insert(input);
    }

    @PUT
    @Path("{id}")
    @PublishEvent(channel = "blogs", type = "blog:updated", subject = "blogs/{id}")
    public Uni<BlogPost> update(@RestPath long id, @Valid @NotNull BlogPostInput input) {
        return replace(id, input);
    }

    /** Answers the deleted post, so the {@code blog:deleted} event carries it. */
    @DELETE
    @Path("{id}")
    @PublishEvent(channel = "blogs", type = "blog:deleted", subject = "blogs/{id}")
    public Uni<BlogPost> delete(@RestPath long id) {
        return remove(id);
    }
}
