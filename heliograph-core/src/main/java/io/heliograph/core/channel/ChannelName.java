package io.heliograph.core.channel;

import java.util.regex.Pattern;

/**
 * A validated channel name (PROTOCOL.md section 1) and the Redis keys derived from it.
 *
 * <p>All keys of one channel share the hash tag {@code {C}}, so a channel lives in one Redis
 * Cluster slot and the publish script may touch all of them atomically.
 */
public record ChannelName(String value) {

    /** The channel-name grammar of the protocol. */
    public static final Pattern PATTERN = Pattern.compile("^[a-z0-9][a-z0-9._:-]{0,127}$");

    public ChannelName {
        if (!isValid(value)) {
            throw new InvalidChannelException(value);
        }
    }

    /** Parses a name, throwing {@link InvalidChannelException} when it breaks the grammar. */
    public static ChannelName of(String value) {
        return new ChannelName(value);
    }

    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    /** The part before the first dot, or the whole name. */
    public String namespace() {
        int dot = value.indexOf('.');
        return dot < 0 ? value : value.substring(0, dot);
    }

    /** The part after the first dot, or the empty string (for {@code user.alice}: {@code alice}). */
    public String local() {
        int dot = value.indexOf('.');
        return dot < 0 ? "" : value.substring(dot + 1);
    }

    public String offsetKey() {
        return "hg:{" + value + "}:offset";
    }

    public String epochKey() {
        return "hg:{" + value + "}:epoch";
    }

    public String historyKey() {
        return "hg:{" + value + "}:history";
    }

    public String presenceKey() {
        return "hg:{" + value + "}:presence";
    }

    /**
     * The record of an event id published on this channel within an idempotency scope: in the channel's hash slot,
     * so the publish script can check and write it atomically with the event, in Redis Cluster too.
     */
    public String idempotencyKey(String scope, String eventId) {
        return "hg:{" + value + "}:idem:" + scope + ":" + eventId;
    }

    /** The Redis Pub/Sub channel that carries every frame of this channel. */
    public String pubSubChannel() {
        return "hg:{" + value + "}";
    }

    /** The channel name back from a Pub/Sub channel name, or null when it is not one of ours. */
    public static String fromPubSubChannel(String redisChannel) {
        if (redisChannel.length() > 5 && redisChannel.startsWith("hg:{") && redisChannel.endsWith("}")) {
            return redisChannel.substring(4, redisChannel.length() - 1);
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
