package io.heliograph.gateway.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.config.HeliographConfig;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.protocol.Replies;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Who is subscribed to a presence channel, fleet-wide: one sorted set per channel whose scores are
 * expiry times. This node refreshes its own entries; the entries of a crashed node expire after
 * {@code presence-ttl}. Joins and leaves are published on the channel's Pub/Sub channel (without an
 * offset), so every gateway forwards them to its subscribers. Thread-safe; never blocks.
 */
@ApplicationScoped
public class Presence {

    private static final Logger LOG = Logger.getLogger(Presence.class);

    private final Redis redis;
    private final GatewayConfig config;
    private final String publishCommand;
    /** This node's entries: channel -> (session -> member JSON). */
    private final Map<String, Map<String, String>> local = new ConcurrentHashMap<>();

    public Presence(Redis redis, GatewayConfig config, HeliographConfig shared) {
        this.redis = redis;
        this.config = config;
        this.publishCommand = shared.sharded() ? "SPUBLISH" : "PUBLISH";
    }

    public static String member(String session, String user) {
        return "{\"session\":" + Replies.quote(session) + ",\"user\":" + (user == null ? "null" : Replies.quote(user)) + "}";
    }

    public Uni<Void> join(ChannelName channel, String session, String user) {
        String member = member(session, user);
        local.computeIfAbsent(channel.value(), c -> new ConcurrentHashMap<>()).put(session, member);
        return redis.send(Request.cmd(Command.ZADD).arg(channel.presenceKey()).arg(expiry()).arg(member))
                .chain(() -> redis.send(Request.cmd(Command.PEXPIRE).arg(channel.presenceKey()).arg(config.presenceTtl().toMillis())))
                .chain(() -> redis.send(Request.cmd(Command.create(publishCommand)).arg(channel.pubSubChannel())
                        .arg(Replies.presenceChange(true, channel.value(), member))))
                .replaceWithVoid();
    }

    public void leave(ChannelName channel, String session) {
        Map<String, String> members = local.get(channel.value());
        String member = members == null ? null : members.remove(session);
        if (member == null) {
            return;
        }
        if (members.isEmpty()) {
            local.remove(channel.value(), members);
        }
        redis.send(Request.cmd(Command.ZREM).arg(channel.presenceKey()).arg(member))
                .chain(() -> redis.send(Request.cmd(Command.create(publishCommand)).arg(channel.pubSubChannel())
                        .arg(Replies.presenceChange(false, channel.value(), member))))
                .subscribe().with(x -> { }, t -> LOG.debugf("presence leave on %s failed: %s", channel, t.getMessage()));
    }

    /**
     * The live entries: a JSON array of {session, user}. A read, so it writes nothing (PROTOCOL.md
     * section 3): expired entries are skipped by their score, not removed.
     */
    public Uni<List<String>> list(ChannelName channel) {
        return redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(channel.presenceKey())
                        .arg("(" + System.currentTimeMillis()).arg("+inf"))
                .map(reply -> {
                    List<String> members = new java.util.ArrayList<>(reply.size());
                    reply.forEach(r -> members.add(r.toString()));
                    return members;
                });
    }

    @Scheduled(every = "${heliograph.gateway.presence-refresh:20s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        long expiry = expiry();
        return io.smallrye.mutiny.Multi.createFrom().iterable(local.entrySet())
                .onItem().transformToUniAndConcatenate(e -> {
                    if (e.getValue().isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    ChannelName channel = ChannelName.of(e.getKey());
                    Request zadd = Request.cmd(Command.ZADD).arg(channel.presenceKey());
                    e.getValue().values().forEach(m -> zadd.arg(expiry).arg(m));
                    return redis.send(zadd)
                            .chain(() -> redis.send(Request.cmd(Command.PEXPIRE).arg(channel.presenceKey())
                                    .arg(config.presenceTtl().toMillis())))
                            .replaceWithVoid()
                            .onFailure().recoverWithNull().replaceWithVoid();
                })
                .collect().last().replaceWithVoid();
    }

    private long expiry() {
        return System.currentTimeMillis() + config.presenceTtl().toMillis();
    }
}
