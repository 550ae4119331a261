package io.heliograph.core.publish;

import io.heliograph.core.envelope.CloudEvent;
import io.smallrye.mutiny.Uni;

/**
 * The one way every Heliograph producer publishes (PROTOCOL.md section 3).
 *
 * <p>Guarantees:
 * <ul>
 * <li>An event is validated (channel grammar, configured namespace, event type, envelope size)
 * before Redis is touched; a refused event fails with {@link PublishException} and leaves no trace.</li>
 * <li>A successful {@link Published} means the frame is in the channel's history (when the
 * namespace keeps history) and was handed to Redis Pub/Sub, atomically with its offset.</li>
 * <li>Offsets of a channel strictly increase without gaps within an epoch, whatever the number of
 * concurrent publishers, processes or threads.</li>
 * <li>A failure never means "not published" with certainty (a timeout may hide a success); it
 * never means "published" either. Callers that retry should reuse the event id.</li>
 * </ul>
 * Implementations are thread-safe and never block the calling thread.
 */
public interface EventPublisher {

    /** Publishes one event on a channel. */
    Uni<Published> publish(String channel, CloudEvent event);

    /** Events this process has published successfully since it started. */
    long publishedCount();

    /** Validates and encodes an event exactly as {@link #publish} would, without publishing it. */
    String encode(String channel, CloudEvent event);
}
