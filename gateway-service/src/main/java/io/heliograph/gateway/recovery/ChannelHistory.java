package io.heliograph.gateway.recovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.config.HeliographConfig;
import io.heliograph.core.publish.Epochs;
import io.heliograph.core.publish.RedisScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;

/**
 * Reads a channel's position and history for subscribe, recovery, the {@code history} command and
 * the HTTP fallbacks. One atomic script per read, so the epoch, the offset and the frames agree.
 *
 * <p>A channel never published gets its epoch here exactly as the publish script would create it,
 * so a position taken before the first publish ({@code {epoch, 0}}) can be recovered later.
 * Thread-safe; never blocks.
 */
@ApplicationScoped
public class ChannelHistory {

    private static final RedisScript SCRIPT = RedisScript.load("/heliograph/position.lua");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What a read found. {@code recovered} is only meaningful for {@link #since}. */
    public record Position(String epoch, long offset, boolean recovered, List<String> frames) {
    }

    private final Redis redis;
    private final HeliographConfig config;

    public ChannelHistory(Redis redis, HeliographConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** The frames after {@code offset} of {@code epoch}; when they are gone, the snapshot if {@code snapshot}. */
    public Uni<Position> since(ChannelName channel, String epoch, long offset, boolean snapshot) {
        return run(channel, "since", epoch, offset, snapshot);
    }

    /** The current position, with the latest frame when {@code snapshot}. */
    public Uni<Position> current(ChannelName channel, boolean snapshot) {
        return run(channel, snapshot ? "snapshot" : "none", "", 0, false);
    }

    /** The last {@code limit} frames, oldest first. */
    public Uni<Position> latest(ChannelName channel, int limit) {
        return run(channel, "latest", "", limit, false);
    }

    private Uni<Position> run(ChannelName channel, String mode, String epoch, long number, boolean fallback) {
        List<String> args = List.of(Epochs.random(), Long.toString(Math.max(1, config.channelTtl().toSeconds())),
                mode, epoch == null ? "" : epoch, Long.toString(number), fallback ? "1" : "0");
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
