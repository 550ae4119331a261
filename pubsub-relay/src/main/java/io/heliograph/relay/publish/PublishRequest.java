package io.heliograph.relay.publish;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event as a publisher sends it to {@code POST /api/events} (PROTOCOL.md section 6).
 *
 * @param id optional; a repeated id within the idempotency window is published once
 */
public record PublishRequest(String channel, String type, JsonNode data, String id, String subject) {
}
