package io.heliograph.core.publish;

import io.heliograph.core.envelope.CloudEvent;

/**
 * One event to publish on a channel.
 *
 * @param idempotencyScope null to publish unconditionally; otherwise the event's id is published at most once per
 *                         channel and scope within {@code heliograph.idempotency-ttl}, and every repeat answers the
 *                         first {@link Published} (the relay uses its publisher key's name, so two keys never
 *                         share ids)
 */
public record Publication(String channel, CloudEvent event, String idempotencyScope) {

    /** An event published unconditionally (its id is not remembered). */
    public static Publication of(String channel, CloudEvent event) {
        return new Publication(channel, event, null);
    }

    /** An event whose id is published at most once within {@code scope} and the idempotency window. */
    public static Publication once(String channel, CloudEvent event, String scope) {
        return new Publication(channel, event, scope);
    }
}
