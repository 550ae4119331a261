package io.heliograph.relay.recipes;

import java.util.List;

import io.heliograph.relay.crud.DocumentStore;

/** A stored recipe; times are ISO-8601 instants. */
public record Recipe(long id, String title, String summary, List<String> ingredients, Integer minutes,
        String createdAt, String updatedAt) implements DocumentStore.Document {

    static Recipe create(long id, RecipeInput input, String now) {
        return new Recipe(id, input.title(), input.summary(), ingredients(input), input.minutes(), now, now);
    }

    Recipe update(RecipeInput input, String now) {
        return new Recipe(id, input.title(), input.summary(), ingredients(input), input.minutes(), createdAt, now);
    }

    private static List<String> ingredients(RecipeInput input) {
        return input.ingredients() == null ? List.of() : List.copyOf(input.ingredients());
    }
}
