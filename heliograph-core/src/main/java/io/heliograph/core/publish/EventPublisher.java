package io.heliograph.core.publish;

import java.time.Duration;
import java.util.List;

import io.heliograph.core.envelope.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The one way every Heliograph producer publishes (PROTOCOL.md section 3), on one atomic script.
 *
 * <p>Guarantees:
 * <ul>
 * <li>An event is validated (channel grammar, configured namespace, event type, envelope size)
 * before Redis is touched; a refused event fails with {@link PublishException} and leaves no trace.</li>
 * <li>A successful {@link Published} means the frame is in the channel's history (when the
 * namespace keeps history) and was handed to Redis Pub/Sub, atomically with its offset.</li>
 * <li>Offsets of a channel strictly increase without gaps within an epoch, whatever the number of
 * concurrent publishers, processes or threads.</li>
 * <li>A {@link Publication} with an idempotency scope is published at most once per channel, scope and event id
 * within {@code heliograph.idempotency-ttl}: the check and the publish are one script call, so concurrent
 * repeats publish once and every repeat answers the first result.</li>
 * <li>One Redis round trip per call: a single event is one script call; {@link #publishAll} sends the events of
 * one channel as one call (each its own offset, in the given order) and pipelines the calls of different
 * channels on one connection. Single publishes of a channel that arrive while a call of that channel is in flight
 * wait for it and then go together as the next call (group commit): each still gets its own result, and a caller
 * that waits for one publish before the next keeps its order.</li>
 * <li>Failures: {@link PublishException.Reason#RATE_LIMITED} when more publishes wait for Redis than this process
 * admits (nothing was published); {@link PublishException.Reason#UNAVAILABLE} when Redis is unreachable or did
 * not answer in time: then the event may or may not have been published, and a retry with the same id and
 * scope is safe.</li>
 * </ul>
 * Implementations are thread-safe and never block the calling thread.
 */
public interface EventPublisher {

    /** Publishes one event on a channel, unconditionally (its id is not remembered). */
    default Uni<Published> publish(String channel, CloudEvent event) {
        return publish(Publication.of(channel, event));
    }

    /** Publishes one event; a repeated id within its idempotency scope answers the first result. */
    Uni<Published> publish(Publication publication);

    /**
     * Publishes several events, possibly of several channels, in one round trip; never fails as a whole.
     *
     * @return one outcome per publication, in the order given; events of one channel are published in that
     *         order, a refused one (invalid, or its channel's call failed) leaving the others of its channel
     *         published in order
     */
    Uni<List<Outcome>> publishAll(List<Publication> publications);

    /**
     * {@link #publishAll}, then the caller's own commands, pipelined on one connection: one round trip for both,
     * and Redis runs {@code after} only once the events' script calls have run (one connection keeps its order),
     * so bookkeeping that must never get ahead of the events (a consumer's progress marks) travels with them.
     *
     * @param timeout how long to wait for every reply; a caller that retries after it must expect the first
     *                attempt to run still (a frozen Redis runs what waits in its socket once it thaws), so one
     *                that must not have two attempts in flight gives a long one
     * @return the outcomes as {@link #publishAll} gives them and the replies of {@code after}, in order; fails
     *         with {@link PublishException.Reason#UNAVAILABLE} when Redis could not be reached or one of
     *         {@code after} failed or was not answered in time (the events may or may not have been published)
     */
    Uni<Pipelined> publishAllThen(List<Publication> publications, List<Request> after, Duration timeout);

    /** What {@link #publishAllThen} brought back: one outcome per publication and one reply per command, in order. */
    record Pipelined(List<Outcome> outcomes, List<Response> replies) {
    }

    /** Events this process has published successfully since it started (repeats of an id not counted). */
    long publishedCount();

    /** Validates and encodes an event exactly as {@link #publish} would, without publishing it. */
    String encode(String channel, CloudEvent event);
}
