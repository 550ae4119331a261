package io.heliograph.relay.recipes;

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

/**
 * The example CRUD backend: every successful write becomes a {@code recipe:*} event on channel
 * {@code recipes} through {@link PublishEvent}, exactly as any other backend would do it.
 */
@Path("/api/recipes")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Recipes", description = "Example CRUD backend publishing recipe:* events")
public class RecipeResource {

    private final DocumentStore<Recipe> store;

    public RecipeResource(ReactiveRedisDataSource redis, ObjectMapper mapper, RelayConfig config) {
        this.store = new DocumentStore<>(redis, mapper, config, "recipes", Recipe.class);
    }

    @GET
    public Uni<List<Recipe>> list() {
        return store.list();
    }

    @GET
    @Path("{id}")
    public Uni<Recipe> get(@RestPath long id) {
        return store.get(id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    @POST
    @PublishEvent(channel = "recipes", type = "recipe:created", subject = "recipes/{id}")
    public Uni<RestResponse<Recipe>> create(@Valid @NotNull RecipeInput input) {
        String now = Instant.now().toString();
        return store.create(id -> Recipe.create(id, input, now))
                .map(recipe -> RestResponse.ResponseBuilder.<Recipe>created(URI.create("/api/recipes/" + recipe.id())).entity(recipe).build());
    }

    @PUT
    @Path("{id}")
    @PublishEvent(channel = "recipes", type = "recipe:updated", subject = "recipes/{id}")
    public Uni<Recipe> update(@RestPath long id, @Valid @NotNull RecipeInput input) {
        String now = Instant.now().toString();
        return store.update(id, recipe -> recipe.update(input, now))
                .map(updated -> updated.orElseThrow(() -> notFound(id)));
    }

    /** Answers the deleted recipe, so the {@code recipe:deleted} event carries it. */
    @DELETE
    @Path("{id}")
    @PublishEvent(channel = "recipes", type = "recipe:deleted", subject = "recipes/{id}")
    public Uni<Recipe> delete(@RestPath long id) {
        return store.delete(id).map(deleted -> deleted.orElseThrow(() -> notFound(id)));
    }

    private static HttpProblem notFound(long id) {
        return HttpProblem.notFound("no recipe with id " + id);
    }
}
