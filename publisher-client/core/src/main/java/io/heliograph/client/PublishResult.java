package io.heliograph.client;

/** Where the relay put an event: its channel's epoch and its offset in that epoch. */
public record PublishResult(String id, String channel, String epoch, long offset) {
}
