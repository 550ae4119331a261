package io.heliograph.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One event to publish, as {@code POST /api/events} takes it (PROTOCOL.md section 6).
 *
 * @param channel the channel, for example {@code recipes} or {@code user.alice}
 * @param type    the event type, for example {@code recipe:created}
 * @param data    any value Jackson can write
 * @param id      the event id; the relay publishes a repeated id only once within 24 h. The
 *                {@link HeliographPublisher} fills a random one in when it is null, so its own
 *                retries can never publish an event twice.
 * @param subject the optional CloudEvents subject
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRequest(String channel, String type, Object data, String id, String subject) {

    public static EventRequest of(String channel, String type, Object data) {
        return new EventRequest(channel, type, data, null, null);
    }

    public EventRequest withId(String newId) {
        return new EventRequest(channel, type, data, newId, subject);
    }

    public EventRequest withSubject(String newSubject) {
        return new EventRequest(channel, type, data, id, newSubject);
    }
}
