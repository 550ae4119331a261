package io.heliograph.gateway.sse;

import java.util.LinkedHashMap;
import java.util.Map;

import io.heliograph.gateway.hub.Client;

/**
 * Parses the compound SSE id {@code A@e9:46,B@e3:12}; malformed parts are ignored (a fresh start).
 * The epoch may be empty ({@code A@:0}): the position of a channel never published.
 */
final class Positions {

    private Positions() {
    }

    static Map<String, Client.Since> parse(String lastEventId) {
        Map<String, Client.Since> positions = new LinkedHashMap<>();
        if (lastEventId == null || lastEventId.isBlank()) {
            return positions;
        }
        for (String part : lastEventId.split(",")) {
            int at = part.lastIndexOf('@');
            int colon = part.lastIndexOf(':');
            if (at <= 0 || colon <= at) {
                continue;
            }
            try {
                long offset = Long.parseLong(part.substring(colon + 1).trim());
                if (offset >= 0) {
                    positions.put(part.substring(0, at).trim(), new Client.Since(part.substring(at + 1, colon), offset));
                }
            } catch (NumberFormatException e) {
                // ignored: that channel starts from its current position
            }
        }
        return positions;
    }
}
