package io.heliograph.core.publish;

/**
 * What became of one event of {@link EventPublisher#publishAll}: exactly one of {@code published}
 * (where it landed, or where its first publication landed for a repeated id) and {@code refusal}.
 */
public record Outcome(Published published, PublishException refusal) {

    public static Outcome published(Published published) {
        return new Outcome(published, null);
    }

    public static Outcome refused(PublishException refusal) {
        return new Outcome(null, refusal);
    }

    public boolean isPublished() {
        return published != null;
    }
}
