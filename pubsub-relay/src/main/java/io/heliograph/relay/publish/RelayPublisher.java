package io.heliograph.relay.publish;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Outcome;
import io.heliograph.core.publish.Publication;
import io.heliograph.core.publish.PublishException;
import io.heliograph.core.publish.Published;
import io.heliograph.relay.auth.PublisherKey;
import io.smallrye.mutiny.Uni;

/**
 * Publishes what a publisher key sent, once per event id.
 *
 * <p>Guarantees:
 * <ul>
 * <li>The key may only publish to its namespaces ({@code forbidden} otherwise).</li>
 * <li>An event with an id is published at most once per key and channel within {@code heliograph.idempotency-ttl},
 * and every repeat answers the first result, also when the repeats arrive concurrently on several relays: the
 * check and the publish are one call of the shared publish script (see {@link EventPublisher}), with the key's
 * name as idempotency scope. An event refused before Redis (invalid, too large) does not use up its id.</li>
 * <li>Success means the event is in Redis (see {@link EventPublisher}); nothing else is acknowledged.</li>
 * </ul>
 * Thread-safe; never blocks.
 */
@ApplicationScoped
public class RelayPublisher {

    /** The source of every event published through the relay. */
    public static final String SOURCE = "/pubsub-relay";

    private final EventPublisher publisher;

    public RelayPublisher(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes one event for {@code key}; fails with {@link PublishException}. */
    public Uni<Published> publish(PublisherKey key, PublishRequest request) {
        Publication publication;
        try {
            publication = toPublication(key, request);
        } catch (PublishException e) {
            return Uni.createFrom().failure(e);
        }
        String id = publication.event().id();
        return publisher.publish(publication)
                .onFailure(PublishException.class).transform(e -> ((PublishException) e).forEvent(id));
    }

    /**
     * Publishes a batch for {@code key} in one round trip per channel group (pipelined); one outcome per request,
     * in order. Never fails as a whole.
     */
    public Uni<List<Outcome>> publishAll(PublisherKey key, List<PublishRequest> requests) {
        Outcome[] outcomes = new Outcome[requests.size()];
        List<Publication> accepted = new ArrayList<>(requests.size());
        List<Integer> positions = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            try {
                accepted.add(toPublication(key, requests.get(i)));
                positions.add(i);
            } catch (PublishException e) {
                outcomes[i] = Outcome.refused(e);
            }
        }
        return publisher.publishAll(accepted).map(results -> {
            for (int k = 0; k < results.size(); k++) {
                Outcome result = results.get(k);
                outcomes[positions.get(k)] = result.isPublished() ? result
                        : Outcome.refused(result.refusal().forEvent(accepted.get(k).event().id()));
            }
            return Arrays.asList(outcomes);
        });
    }

    private static Publication toPublication(PublisherKey key, PublishRequest request) {
        if (request == null) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST,
                    "the event must be a JSON object with channel, type and data");
        }
        ChannelName channel = ChannelName.of(request.channel());
        if (!key.allows(channel.namespace())) {
            throw new PublishException(PublishException.Reason.FORBIDDEN, "publisher key '" + key.name()
                    + "' may not publish to namespace '" + channel.namespace() + "'");
        }
        // An event without an id gets one here and is published once under it like any other, so
        // the 503 that names it lets even such a publisher retry without a duplicate.
        String id = request.id() != null ? request.id() : UUID.randomUUID().toString();
        return Publication.once(request.channel(),
                CloudEvent.withId(id, SOURCE, request.type(), request.subject(), request.data()), key.name());
    }
}
