package io.heliograph.relay.blogs;

import io.heliograph.relay.crud.DocumentStore;

/** A stored blog post; times are ISO-8601 instants. */
public record BlogPost(long id, String title, String author, String body, String createdAt, String updatedAt)
        implements DocumentStore.Document {

    static BlogPost create(long id, BlogPostInput input, String now) {
        return new BlogPost(id, input.title(), input.author(), input.body(), now, now);
    }

    BlogPost update(BlogPostInput input, String now) {
        return new BlogPost(id, input.title(), input.author(), input.body(), createdAt, now);
    }
}
