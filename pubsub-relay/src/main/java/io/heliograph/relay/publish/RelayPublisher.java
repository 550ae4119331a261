package io.heliograph.relay.publish;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.PublishException;
import io.heliograph.core.publish.Published;
import io.heliograph.relay.auth.PublisherKey;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Publishes what a publisher key sent, once per event id.
 *
 * <p>Guarantees:
 * <ul>
 * <li>The key may only publish to its namespaces ({@code forbidden} otherwise).</li>
 * <li>An event with an id is published at most once per key within {@code idempotency-ttl}, and every
 * repeat answers the first result, also when the repeats arrive concurrently on several relays: the
 * first request takes a Redis marker ({@code SET NX}), the others wait for its result. When the first
 * attempt fails, its marker is removed and a retry publishes.</li>
 * <li>Success means the event is in Redis (see {@link EventPublisher}); nothing else is acknowledged.</li>
 * </ul>
 * A repeated id answers the first result even when the repeat names another channel: the id names the
 * event. Idempotency keys are {@code relay:idem:{<key name>}:<id>}, one namespace of ids per key.
 * Thread-safe; never blocks.
 */
@ApplicationScoped
public class RelayPublisher {

    /** The source of every event published through the relay. */
    public static final String SOURCE = "/pubsub-relay";

    private static final Logger LOG = Logger.getLogger(RelayPublisher.class);
    private static final String PENDING = "pending";
    private static final Duration POLL = Duration.ofMillis(20);

    private final EventPublisher publisher;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final RelayConfig config;

    public RelayPublisher(EventPublisher publisher, ReactiveRedisDataSource redis, ObjectMapper mapper,
            RelayConfig config) {
        this.publisher = publisher;
        this.redis = redis;
        this.mapper = mapper;
        this.config = config;
    }

    /** Publishes one event for {@code key}; fails with {@link PublishException} or {@link HttpProblem}. */
    public Uni<Published> publish(PublisherKey key, PublishRequest request) {
        CloudEvent event;
        try {
            event = toEvent(key, request);
            if (request.id() != null) {
                // Refuse an invalid event before it takes its id, so a corrected retry can use the id.
                publisher.encode(request.channel(), event);
            }
        } catch (PublishException e) {
            return Uni.createFrom().failure(e);
        }
        if (request.id() == null) {
            return publisher.publish(request.channel(), event);
        }
        String idempotencyKey = "relay:idem:{" + key.name() + "}:" + request.id();
        return claim(idempotencyKey, request.channel(), event, System.nanoTime() + config.idempotencyWait().toNanos());
    }

    private CloudEvent toEvent(PublisherKey key, PublishRequest request) {
        if (request == null) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST,
                    "the event must be a JSON object with channel, type and data");
        }
        ChannelName channel = ChannelName.of(request.channel());
        if (!key.allows(channel.namespace())) {
            throw new PublishException(PublishException.Reason.FORBIDDEN, "publisher key '" + key.name()
                    + "' may not publish to namespace '" + channel.namespace() + "'");
        }
        return request.id() == null
                ? CloudEvent.of(SOURCE, request.type(), request.subject(), request.data())
                : CloudEvent.withId(request.id(), SOURCE, request.type(), request.subject(), request.data());
    }

    /** Takes the id's marker and publishes, or answers the result of whoever took it first. */
    private Uni<Published> claim(String idempotencyKey, String channel, CloudEvent event, long deadline) {
        // SET NX GET (Redis 7): one round trip both claims the id and reads what an earlier request left.
        return command("SET", idempotencyKey, PENDING, "NX", "PX",
                Long.toString(config.idempotencyPendingTtl().toMillis()), "GET")
                .chain(previous -> {
                    if (previous == null) {
                        return publishClaimed(idempotencyKey, channel, event);
                    }
                    String value = previous.toString();
                    if (!PENDING.equals(value)) {
                        return Uni.createFrom().item(decode(value));
                    }
                    if (System.nanoTime() - deadline > 0) {
                        return Uni.createFrom().failure(HttpProblem.unavailable("an event with id '" + event.id()
                                + "' is still being published; retry later", config.unavailableRetryAfter()));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                            .chain(() -> claim(idempotencyKey, channel, event, deadline));
                });
    }

    private Uni<Published> publishClaimed(String idempotencyKey, String channel, CloudEvent event) {
        return publisher.publish(channel, event)
                .call(published -> command("SET", idempotencyKey, encode(published), "PX",
                        Long.toString(config.idempotencyTtl().toMillis()))
                        // The event is in Redis, so it is acknowledged; only a later repeat could publish again.
                        .onFailure().invoke(e -> LOG.warnf("event %s published but its id not remembered: %s",
                                event.id(), e.getMessage()))
                        .onFailure().recoverWithNull())
                .onFailure().call(() -> command("DEL", idempotencyKey).onFailure().recoverWithNull());
    }

    private Uni<Response> command(String command, String... args) {
        return redis.execute(command, args)
                .ifNoItem().after(config.redisTimeout()).fail()
                .onFailure().transform(e -> e instanceof HttpProblem ? e
                        : HttpProblem.unavailable("Redis is unreachable: nothing was published",
                                config.unavailableRetryAfter()));
    }

    private String encode(Published published) {
        try {
            return mapper.writeValueAsString(published);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Published record is always encodable", e);
        }
    }

    private Published decode(String json) {
        try {
            return mapper.readValue(json, Published.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable idempotency record: " + json, e);
        }
    }
}
