package io.heliograph.gateway.pubsub;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.config.HeliographConfig;
import io.heliograph.gateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** {@link Broker} on one dedicated Redis connection, reconnected with capped exponential backoff. */
@ApplicationScoped
public class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class);

    private final Vertx vertx;
    private final GatewayConfig config;
    private final boolean sharded;
    private final Redis client;
    /**
     * Where the subscriber connection lives and every command to it is written, in the order the
     * calls were made. Vert.x writes a command at once when called on the connection's own event
     * loop but queues it when called from another thread, so without this an UNSUBSCRIBE queued by
     * one loop could reach Redis after a later SUBSCRIBE made on the connection's loop, leaving a
     * channel the hub holds unsubscribed in Redis (its clients then got nothing, for good).
     */
    private final Context context;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger attempts = new AtomicInteger();
    /** Completes when the connection is up (and everything wanted is subscribed); replaced when it is lost. */
    private final AtomicReference<CompletableFuture<RedisConnection>> up = new AtomicReference<>(new CompletableFuture<>());
    private volatile RedisConnection connection;
    private volatile Listener listener;
    private volatile boolean stopped;

    public RedisBroker(Vertx vertx, GatewayConfig config, HeliographConfig shared,
            @ConfigProperty(name = "quarkus.redis.hosts") String hosts) {
        this.vertx = vertx;
        this.config = config;
        this.sharded = shared.sharded();
        RedisOptions options = new RedisOptions().setMaxWaitingHandlers(100_000);
        if (sharded) {
            // Sharded Pub/Sub: a cluster connection routes each SSUBSCRIBE to the shard owning the channel's slot.
            options.setType(RedisClientType.CLUSTER);
            for (String host : hosts.split(",")) {
                options.addConnectionString(host.trim());
            }
        } else {
            options.setConnectionString(hosts.split(",")[0].trim());
        }
        this.client = Redis.createClient(vertx, options);
        this.context = vertx.getDelegate().getOrCreateContext();
    }

    void start(@Observes StartupEvent event) {
        context.runOnContext(v -> connect(false));
    }

    @Override
    public void listener(Listener listener) {
        this.listener = listener;
    }

    private void connect(boolean reconnect) {
        if (stopped) {
            return;
        }
        client.connect().subscribe().with(conn -> {
            conn.handler(this::onMessage);
            conn.exceptionHandler(t -> LOG.debugf("Redis subscriber connection error: %s", t.getMessage()));
            conn.endHandler(() -> lost(conn));
            Set<String> channels = Set.copyOf(wanted);
            Uni<Void> resubscribed = channels.isEmpty() ? Uni.createFrom().voidItem()
                    : send(conn, sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE, channels);
            resubscribed.subscribe().with(ok -> {
                connection = conn;
                up.get().complete(conn);
                attempts.set(0);
                if (reconnect) {
                    LOG.infof("Redis subscriber reconnected; %d channels resubscribed", channels.size());
                    Listener l = listener;
                    if (l != null) {
                        l.onResubscribed();
                    }
                }
            }, failure -> {
                conn.close().subscribe().with(x -> { }, x -> { });
                retry(reconnect);
            });
        }, failure -> {
            LOG.debugf("Redis subscriber cannot connect: %s", failure.getMessage());
            retry(true);
        });
    }

    private void lost(RedisConnection conn) {
        if (connection == conn) {
            connection = null;
            up.updateAndGet(f -> f.isDone() ? new CompletableFuture<>() : f);
        }
        if (!stopped) {
            LOG.warn("Redis subscriber connection lost; reconnecting");
            retry(true);
        }
    }

    private void retry(boolean reconnect) {
        int attempt = attempts.getAndIncrement();
        long base = config.redisReconnectBase().toMillis();
        long delay = Math.min(config.redisReconnectCap().toMillis(), base << Math.min(attempt, 16));
        vertx.setTimer(Math.max(1, delay), id -> context.runOnContext(v -> connect(reconnect)));
    }

    private void onMessage(Response message) {
        // RESP2: [message, channel, payload]; [smessage, ...] for sharded Pub/Sub.
        if (message.size() != 3) {
            return;
        }
        String kind = message.get(0).toString();
        if (!"message".equals(kind) && !"smessage".equals(kind)) {
            return;
        }
        String channel = ChannelName.fromPubSubChannel(message.get(1).toString());
        Listener l = listener;
        if (channel != null && l != null) {
            io.vertx.redis.client.Response payload = message.get(2).getDelegate();
            l.onFrame(channel, payload.toString(), payload.toBuffer().getByteBuf());
        }
    }

    @Override
    public Uni<Void> subscribe(String channel) {
        wanted.add(channel);
        RedisConnection conn = connection;
        // Not connected yet (a node that just started, or Redis coming back): wait for the
        // connection instead of failing a client that merely arrived first. SUBSCRIBE is sent
        // even then, since the resubscription may have copied `wanted` before this channel.
        Uni<RedisConnection> connected = conn != null ? Uni.createFrom().item(conn)
                : Uni.createFrom().emitter(e -> up.get().whenComplete((c, failure) -> {
                    // an emitter, so that a timed-out waiter cannot cancel the shared future
                    if (failure != null) {
                        e.fail(failure);
                    } else {
                        e.complete(c);
                    }
                }));
        return connected
                .chain(c -> send(c, sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE, Set.of(channel)))
                .ifNoItem().after(config.redisSubscribeTimeout())
                .failWith(() -> new IllegalStateException("Redis did not confirm the subscription within "
                        + config.redisSubscribeTimeout().toMillis() + " ms"));
    }

    @Override
    public void unsubscribe(String channel) {
        wanted.remove(channel);
        RedisConnection conn = connection;
        if (conn != null) {
            send(conn, sharded ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE, Set.of(channel))
                    .subscribe().with(x -> { }, t -> LOG.debugf("UNSUBSCRIBE %s failed: %s", channel, t.getMessage()));
        }
    }

    /**
     * One command for all channels (one per channel in sharded mode, where channels live on
     * different shards), queued on {@link #context} when subscribed, so commands reach Redis in
     * call order. A SUBSCRIBE whose channels are no longer wanted by the time it is written is
     * skipped (it waited for the connection while its subscriber left).
     */
    private Uni<Void> send(RedisConnection conn, Command command, Set<String> channels) {
        boolean subscribing = command == Command.SUBSCRIBE || command == Command.SSUBSCRIBE;
        return Uni.createFrom().emitter(emitter -> context.runOnContext(v -> {
            Set<String> targets = subscribing ? channels.stream().filter(wanted::contains).collect(Collectors.toSet())
                    : channels;
            if (targets.isEmpty()) {
                emitter.complete(null);
                return;
            }
            Uni<Void> written;
            if (sharded) {
                written = Uni.join().all(targets.stream()
                        .map(c -> conn.send(Request.cmd(command).arg(ChannelName.of(c).pubSubChannel())).replaceWithVoid())
                        .toList()).andFailFast().replaceWithVoid();
            } else {
                Request request = Request.cmd(command);
                targets.forEach(c -> request.arg(ChannelName.of(c).pubSubChannel()));
                written = conn.send(request).replaceWithVoid();
            }
            written.subscribe().with(emitter::complete, emitter::fail);
        }));
    }

    /** The context the subscriber connection's commands are written from (for tests that race it). */
    Context context() {
        return context;
    }

    @Override
    public boolean connected() {
        return connection != null;
    }

    @PreDestroy
    void stop() {
        stopped = true;
        RedisConnection conn = connection;
        if (conn != null) {
            conn.close().subscribe().with(x -> { }, x -> { });
        }
        up.get().completeExceptionally(new IllegalStateException("the gateway is stopping"));
        client.close();
    }
}
