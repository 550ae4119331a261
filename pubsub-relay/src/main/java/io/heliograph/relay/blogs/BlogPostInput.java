package io.heliograph.relay.blogs;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** What a client sends to create or replace a blog post (sized so the event stays under 64 KiB). */
public record BlogPostInput(
        @NotBlank @Size(max = 160) String title,
        @NotBlank @Size(max = 80) String author,
        @NotBlank @Size(max = 10_000) String body) {
}
