package io.heliograph.relay.recipes;

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

/**
 * The example CRUD backend: every successful write becomes a {@code recipe:*} event on channel
 * {@code recipes} through {@link PublishEvent}, exactly as any other backend would do it.
 */
@Path("/api/recipes")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Recipes", description = "Example CRUD backend publishing recipe:* events")
public class RecipeResource extends DocumentResource<Recipe, RecipeInput> {

    public RecipeResource(ReactiveRedisDataSource redis, ObjectMapper mapper, RelayConfig config) {
        super(new DocumentStore<>(redis, mapper, config, "recipes", Recipe.class), "/api/recipes", "recipe",
                Recipe::create, Recipe::update);
    }

    @POST
    @PublishEvent(channel = "recipes", type = "recipe:created", subject = "recipes/{id}")
    public Uni<RestResponse<Recipe>> create(@Valid @NotNull RecipeInput input) {
        return insert(input);
    }

    @PUT
    @Path("{id}")
    @PublishEvent(channel = "recipes", type = "recipe:updated", subject = "recipes/{id}")
    public Uni<Recipe> update(@RestPath long id, @Valid @NotNull RecipeInput input) {
        return replace(id, input);
    }

    /** Answers the deleted recipe, so the {@code recipe:deleted} event carries it. */
    @DELETE
    @Path("{id}")
    @PublishEvent(channel = "recipes", type = "recipe:deleted", subject = "recipes/{id}")
    public Uni<Recipe> delete(@RestPath long id) {
        return remove(id);
    }
}
