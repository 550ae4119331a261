package io.heliograph.gateway.pubsub;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger attempts = new AtomicInteger();
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
    }

    void start(@Observes StartupEvent event) {
        connect(false);
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
        vertx.setTimer(Math.max(1, delay), id -> connect(reconnect));
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
        if (conn == null) {
            return Uni.createFrom().failure(new IllegalStateException("Redis is unreachable"));
        }
        return send(conn, sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE, Set.of(channel))
                .ifNoItem().after(Duration.ofSeconds(5)).fail();
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

    /** One command for all channels; one per channel in sharded mode, where channels live on different shards. */
    private Uni<Void> send(RedisConnection conn, Command command, Set<String> channels) {
        if (sharded) {
            return Uni.join().all(channels.stream()
                    .map(c -> conn.send(Request.cmd(command).arg(ChannelName.of(c).pubSubChannel())).replaceWithVoid())
                    .toList()).andFailFast().replaceWithVoid();
        }
        Request request = Request.cmd(command);
        channels.forEach(c -> request.arg(ChannelName.of(c).pubSubChannel()));
        return conn.send(request).replaceWithVoid();
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
        client.close();
    }
}
