package io.heliograph.gateway.recovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.publish.RedisScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;

/**
 * Reads a channel's position and history for subscribe, recovery, the {@code history} command and
 * the HTTP fallbacks. One atomic script per read, so the epoch, the offset and the frames agree.
 *
 * <p>Guarantee: a read never writes to Redis (the script is declared {@code no-writes}, so Redis
 * refuses it any write), so no client request can create a key. Only the publish script creates an
 * epoch: a channel never published reads as {@link #NO_EPOCH} at offset 0, and a {@code since} of
 * {@code {"", 0}} ("nothing seen yet") is served from offset 1 of whatever epoch the channel has by
 * then, while its history still holds offset 1. Thread-safe; never blocks.
 */
@ApplicationScoped
public class ChannelHistory {

    private static final RedisScript SCRIPT = RedisScript.load("/heliograph/position.lua");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The epoch of a channel that was never published (PROTOCOL.md section 3). */
    public static final String NO_EPOCH = "";

    /** What a read found. {@code recovered} is only meaningful for {@link #since}. */
    public record Position(String epoch, long offset, boolean recovered, List<String> frames) {
    }

    private final Redis redis;

    public ChannelHistory(Redis redis) {
        this.redis = redis;
    }

    /** The frames after {@code offset} of {@code epoch}; when they are gone, the snapshot if {@code snapshot}. */
    public Uni<Position> since(ChannelName channel, String epoch, long offset, boolean snapshot) {
        return run(channel, "since", epoch, offset, snapshot, 0);
    }

    /**
     * At most {@code limit} frames after {@code offset} of {@code epoch}, oldest first (no snapshot
     * fallback). More remain when the last frame's offset is below the returned position's.
     */
    public Uni<Position> page(ChannelName channel, String epoch, long offset, int limit) {
        return run(channel, "since", epoch, offset, false, limit);
    }

    /** The current position, with the latest frame when {@code snapshot}. */
    public Uni<Position> current(ChannelName channel, boolean snapshot) {
        return run(channel, snapshot ? "snapshot" : "none", "", 0, false, 0);
    }

    /** The last {@code limit} frames, oldest first. */
    public Uni<Position> latest(ChannelName channel, int limit) {
        return run(channel, "latest", "", limit, false, 0);
    }

    private Uni<Position> run(ChannelName channel, String mode, String epoch, long number, boolean fallback, int limit) {
        List<String> args = List.of(mode, epoch == null ? NO_EPOCH : epoch, Long.toString(number), fallback ? "1" : "0",
                Integer.toString(limit));
        return SCRIPT.call(redis, List.of(channel.epochKey(), channel.offsetKey(), channel.historyKey()), args)
                .ifNoItem().after(TIMEOUT).fail()
                .map(ChannelHistory::toPosition);
    }

    private static Position toPosition(Response reply) {
        List<String> frames = new ArrayList<>(Math.max(0, reply.size() - 3));
        for (int i = 3; i < reply.size(); i++) {
            frames.add(reply.get(i).toString());
        }
        return new Position(reply.get(0).toString(), reply.get(1).toLong(), reply.get(2).toInteger() == 1, frames);
    }
}
