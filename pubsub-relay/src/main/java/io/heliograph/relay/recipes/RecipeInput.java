package io.heliograph.relay.recipes;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** What a client sends to create or replace a recipe. */
public record RecipeInput(
        @NotBlank @Size(max = 120) String title,
        @Size(max = 1000) String summary,
        @Size(max = 50) List<@NotBlank @Size(max = 200) String> ingredients,
        @Min(1) @Max(10_000) Integer minutes) {
}
