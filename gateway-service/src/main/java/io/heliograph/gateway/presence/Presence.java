package io.heliograph.gateway.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.config.HeliographConfig;
import io.heliograph.core.config.NodeId;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.protocol.Replies;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Who is subscribed to a presence channel, fleet-wide: one sorted set per channel whose scores are
 * expiry times. Joins and leaves are published on the channel's Pub/Sub channel (without an
 * offset), so every gateway forwards them to its subscribers.
 *
 * <p>Guarantees: the Redis writes of one member (channel and session) run in call order, so a
 * leave is never overtaken by its join, nor a rejoin by the leave before it. {@link Client} calls
 * {@link #joined} only while the subscription is live and {@link #left} whenever it ends. Every
 * {@code presence-refresh} this node extends the entries of its open connections only, and removes
 * the members in Redis that claim this node (the member JSON carries the node id) but whose session
 * it does not hold, so no entry outlives its connection by more than one refresh interval; the
 * entries of a crashed node expire after {@code presence-ttl}. Thread-safe; never blocks.
 */
@ApplicationScoped
public class Presence implements Client.Membership {

    private static final Logger LOG = Logger.getLogger(Presence.class);

    /** One member of this node: what Redis stores, what clients see, and the connection behind it. */
    private record Entry(String member, String client, Client owner) {
    }

    private final Redis redis;
    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final String node;
    private final String publishCommand;
    /** This node's members: channel -> session -> entry. Changed only inside {@code compute} of the outer map. */
    private final Map<String, Map<String, Entry>> local = new ConcurrentHashMap<>();
    /**
     * Channels this node wrote members to, with when it last did: the refresh looks for stray
     * members there until the TTL would have removed them anyway.
     */
    private final Map<String, Long> written = new ConcurrentHashMap<>();
    /** The last Redis write queued per member ({@link #key}); removed when it completes and nothing follows. */
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    public Presence(Redis redis, GatewayConfig config, HeliographConfig shared, NodeId node, ObjectMapper mapper) {
        this.redis = redis;
        this.config = config;
        this.mapper = mapper;
        this.node = node.value();
        this.publishCommand = shared.sharded() ? "SPUBLISH" : "PUBLISH";
    }

    /** The {@code {session, user}} object clients see in {@code presence}, {@code join} and {@code leave}. */
    public static String member(String session, String user) {
        return "{\"session\":" + Replies.quote(session) + ",\"user\":" + (user == null ? "null" : Replies.quote(user)) + "}";
    }

    /** The stored member: the client's object plus the node that owns the session, so that node can prune it. */
    static String stored(String session, String user, String node) {
        String client = member(session, user);
        return client.substring(0, client.length() - 1) + ",\"node\":" + Replies.quote(node) + "}";
    }

    @Override
    public Uni<Void> joined(ChannelName channel, NamespacePolicy policy, Client client) {
        if (!policy.presence()) {
            return Uni.createFrom().voidItem();
        }
        String session = client.session();
        Entry entry = new Entry(stored(session, client.user(), node), member(session, client.user()), client);
        boolean[] added = {false};
        local.compute(channel.value(), (c, members) -> {
            Map<String, Entry> m = members == null ? new ConcurrentHashMap<>() : members;
            added[0] = m.putIfAbsent(session, entry) == null;
            return m;
        });
        if (!added[0]) {
            return Uni.createFrom().voidItem(); // a resubscribe: already a member
        }
        written.put(channel.value(), System.currentTimeMillis());
        String key = channel.presenceKey();
        return inOrder(channel.value(), session, () -> redis.send(Request.cmd(Command.ZADD).arg(key).arg(expiry()).arg(entry.member()))
                .chain(() -> redis.send(Request.cmd(Command.PEXPIRE).arg(key).arg(config.presenceTtl().toMillis())))
                .chain(() -> publish(channel, true, entry.client())));
    }

    @Override
    public void left(String channel, Client client) {
        leave(ChannelName.of(channel), client.session());
    }

    /** Removes this node's member; a session that is not one is a no-op. */
    private void leave(ChannelName channel, String session) {
        Entry[] removed = {null};
        local.computeIfPresent(channel.value(), (c, members) -> {
            removed[0] = members.remove(session);
            return members.isEmpty() ? null : members;
        });
        if (removed[0] != null) {
            Entry entry = removed[0];
            inOrder(channel.value(), session, () -> remove(channel, entry.member(), entry.client()))
                    .subscribe().with(x -> { }, t -> LOG.debugf("presence leave on %s failed: %s", channel, t.getMessage()));
        }
    }

    /** ZREM, and the {@code leave} only when the member was there (a prune racing a leave announces it once). */
    private Uni<Void> remove(ChannelName channel, String member, String client) {
        return redis.send(Request.cmd(Command.ZREM).arg(channel.presenceKey()).arg(member))
                .chain(removed -> removed != null && removed.toInteger() > 0 ? publish(channel, false, client)
                        : Uni.createFrom().voidItem());
    }

    private Uni<Void> publish(ChannelName channel, boolean join, String client) {
        return redis.send(Request.cmd(Command.create(publishCommand)).arg(channel.pubSubChannel())
                .arg(Replies.presenceChange(join, channel.value(), client))).replaceWithVoid();
    }

    /**
     * Runs {@code write} after every write queued before it for the same member, whether those
     * succeeded or not; returns when this one is done.
     */
    private Uni<Void> inOrder(String channel, String session, Supplier<Uni<?>> write) {
        String key = key(channel, session);
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, done);
        Runnable start = () -> {
            try {
                write.get().subscribe().with(x -> done.complete(null), done::completeExceptionally);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        if (previous == null) {
            start.run();
        } else {
            previous.whenComplete((x, t) -> start.run());
        }
        done.whenComplete((x, t) -> tails.remove(key, done));
        return Uni.createFrom().completionStage(done);
    }

    private static String key(String channel, String session) {
        return channel + '\n' + session;
    }

    /** The live entries as clients see them ({@code {session, user}}); reads only, as every reader does. */
    public Uni<List<String>> list(ChannelName channel) {
        return redis.send(Request.cmd(Command.ZRANGE).arg(channel.presenceKey()).arg(System.currentTimeMillis()).arg("+inf")
                        .arg("BYSCORE"))
                .map(reply -> {
                    List<String> members = new ArrayList<>(reply.size());
                    for (Response r : reply) {
                        JsonNode m = parse(r.toString());
                        if (m != null) {
                            members.add(member(m.get("session").asText(), m.path("user").isTextual() ? m.get("user").asText() : null));
                        }
                    }
                    return members;
                });
    }

    /** A stored member, or null when it is not one of ours to read (garbage in the set is skipped). */
    private JsonNode parse(String member) {
        try {
            JsonNode m = mapper.readTree(member);
            return m != null && m.path("session").isTextual() ? m : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** This node's members of a channel (a snapshot). */
    private List<Entry> entries(String channel) {
        Map<String, Entry> members = local.get(channel);
        return members == null ? List.of() : List.copyOf(members.values());
    }

    private boolean holds(String channel, String session, String member) {
        Map<String, Entry> members = local.get(channel);
        Entry entry = members == null ? null : members.get(session);
        return entry != null && entry.member().equals(member);
    }

    @Scheduled(every = "${heliograph.gateway.presence-refresh:20s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        long now = System.currentTimeMillis();
        // A connection that is gone should have left already; if one did not, it leaves now rather than live on.
        local.forEach((channel, members) -> members.forEach((session, entry) -> {
            if (!entry.owner().isOpen()) {
                leave(ChannelName.of(channel), session);
            }
        }));
        written.entrySet().removeIf(e -> e.getValue() < now - config.presenceTtl().toMillis() && !local.containsKey(e.getKey()));
        return Multi.createFrom().iterable(List.copyOf(written.keySet()))
                .onItem().transformToUniAndConcatenate(channel -> extend(channel, now)
                        .chain(() -> prune(ChannelName.of(channel)))
                        .onFailure().invoke(t -> LOG.debugf("presence refresh of %s failed: %s", channel, t.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /**
     * Extends this node's live members of a channel, and drops the expired members of any node
     * (readers skip them; this keeps a crashed node's from piling up under a key others refresh).
     */
    private Uni<Void> extend(String channel, long now) {
        List<Entry> entries = entries(channel);
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        written.put(channel, now);
        ChannelName name = ChannelName.of(channel);
        long expiry = now + config.presenceTtl().toMillis();
        Request zadd = Request.cmd(Command.ZADD).arg(name.presenceKey());
        entries.forEach(e -> zadd.arg(expiry).arg(e.member()));
        return redis.send(zadd)
                .chain(() -> redis.send(Request.cmd(Command.PEXPIRE).arg(name.presenceKey()).arg(config.presenceTtl().toMillis())))
                .chain(() -> redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(name.presenceKey()).arg("-inf").arg(now)))
                .replaceWithVoid();
    }

    /**
     * Removes the members that claim this node but whose session it does not hold: a join whose
     * leave went missing, or a leave the refresh's ZADD overtook. Each removal is queued behind the
     * member's own writes and checks again when it runs, so a member that joined meanwhile stays.
     */
    private Uni<Void> prune(ChannelName channel) {
        return redis.send(Request.cmd(Command.ZRANGE).arg(channel.presenceKey()).arg(0).arg(-1))
                .invoke(reply -> {
                    for (Response r : reply) {
                        String member = r.toString();
                        JsonNode m = parse(member);
                        if (m == null || !node.equals(m.path("node").asText(null))) {
                            continue;
                        }
                        String session = m.get("session").asText();
                        if (holds(channel.value(), session, member)) {
                            continue;
                        }
                        String client = member(session, m.path("user").isTextual() ? m.get("user").asText() : null);
                        inOrder(channel.value(), session, () -> holds(channel.value(), session, member) ? Uni.createFrom().voidItem()
                                : remove(channel, member, client))
                                .subscribe().with(x -> { }, t -> LOG.debugf("presence prune on %s failed: %s", channel, t.getMessage()));
                    }
                })
                .replaceWithVoid();
    }

    private long expiry() {
        return System.currentTimeMillis() + config.presenceTtl().toMillis();
    }
}
