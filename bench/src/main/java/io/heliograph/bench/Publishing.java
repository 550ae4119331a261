package io.heliograph.bench;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.RedisEventPublisher;
import io.netty.util.concurrent.EventExecutor;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/**
 * The real publish path, built by hand: heliograph-core's {@link RedisEventPublisher} (the same
 * atomic script every service uses) on a Vert.x Redis client, with the namespace table defaults
 * heliograph-core ships, so the bench publishes exactly what a service would.
 */
final class Publishing implements PublishPath {

    private static final String NAMESPACE_DEFAULTS = "/META-INF/microprofile-config.properties";
    private static final String PREFIX = "heliograph.namespaces.";

    private final Vertx vertx;
    private final Redis redis;
    private final RedisEventPublisher publisher;

    /** Publishing gets its own event loop, so replies from Redis never queue behind the receiving connections' frames. */
    Publishing(String redisUrl) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        // The pooled client holds a connection per request until its reply, so the pool bounds the requests in flight:
        // at 1,000 events/s and a few ms round trip on a busy machine, a small pool would queue in the bench, not in Redis.
        this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
                .setMaxPoolSize(64).setMaxPoolWaiting(100_000));
        // Bench channels are throwaway: their keys expire after an hour instead of the default 24 h.
        this.publisher = new RedisEventPublisher(redis, namespaces(), new ObjectMapper(),
                new RedisEventPublisher.Settings(Duration.ofHours(1), 65536, false, Duration.ofSeconds(5)));
    }

    RedisEventPublisher publisher() {
        return publisher;
    }

    @Override
    public Uni<?> publish(String channel, CloudEvent event) {
        return publisher.publish(channel, event);
    }

    @Override
    public List<EventExecutor> eventLoops() {
        return ClientLoad.loopsOf(vertx.getDelegate());
    }

    /** The channel's last offset given out ({@code hg:{C}:offset}), 0 when never published. */
    @Override
    public long lastOffset(String channel) {
        Response reply = redis.send(Request.cmd(Command.GET).arg(ChannelName.of(channel).offsetKey()))
                .await().atMost(Duration.ofSeconds(5));
        return reply == null ? 0 : reply.toLong();
    }

    @Override
    public void close() {
        redis.close();
        vertx.closeAndAwait();
    }

    /** The namespace table from heliograph-core's defaults (the gateway under test uses the same ones). */
    static Namespaces namespaces() {
        Properties defaults = new Properties();
        try (InputStream in = RedisEventPublisher.class.getResourceAsStream(NAMESPACE_DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("heliograph-core's " + NAMESPACE_DEFAULTS + " is missing");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Map<String, String>> byNamespace = new HashMap<>();
        for (String key : defaults.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                String rest = key.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                byNamespace.computeIfAbsent(rest.substring(0, dot), k -> new HashMap<>())
                        .put(rest.substring(dot + 1), defaults.getProperty(key));
            }
        }
        Map<String, NamespacePolicy> policies = new HashMap<>();
        byNamespace.forEach((name, p) -> policies.put(name, new NamespacePolicy(name,
                Integer.parseInt(p.getOrDefault("history", "0")), bool(p, "snapshot"), bool(p, "presence"),
                bool(p, "client-publish"), bool(p, "owner-only"))));
        return new Namespaces(policies);
    }

    private static boolean bool(Map<String, String> p, String key) {
        return Boolean.parseBoolean(p.getOrDefault(key, "false"));
    }
}
