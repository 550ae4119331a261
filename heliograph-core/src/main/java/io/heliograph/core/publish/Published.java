package io.heliograph.core.publish;

/** Where a published event landed: its channel's epoch and its offset in that epoch. */
public record Published(String id, String channel, String epoch, long offset) {
}
