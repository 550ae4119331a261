package io.heliograph.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.Epochs;
import io.heliograph.core.publish.RedisEventPublisher;
import io.netty.util.concurrent.EventExecutor;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;

/**
 * Publishing to the plain-Netty floor: {@code PUBLISH C <frame>} on the Redis channel named
 * exactly C (the floor subscribes to that name, no {@code hg:{C}} wrapping), where the frame is
 * what the publish script would have written for the same event ({@link FrameBuilder}, the
 * envelope encoded by heliograph-core's own publisher).
 *
 * <p>The floor keeps no offsets, so this class numbers each channel's frames 1, 2, 3, ... in the
 * frame's {@code offset} field, as the script does for a fresh channel; the client's loss
 * accounting ({@link Connection}) then works on the floor unchanged. For that numbering to be the
 * order the floor sees, every PUBLISH goes on ONE pipelined connection, in the order of the
 * calls (a pool could reorder them), and {@link #lastOffset} is the highest number Redis
 * acknowledged.
 */
final class FloorPublishing implements PublishPath {

    private final Vertx vertx;
    private final Redis redis;
    private final RedisConnection connection;
    private final RedisEventPublisher encoder;
    /** Next offset and epoch per channel: numbered in call order (the paced publisher calls from one thread). */
    private final Map<String, AtomicLong> next = new ConcurrentHashMap<>();
    private final Map<String, String> epochs = new ConcurrentHashMap<>();
    private final Map<String, LongAccumulator> acknowledged = new ConcurrentHashMap<>();

    FloorPublishing(String redisUrl) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxWaitingHandlers(100_000));
        this.connection = redis.connect().await().atMost(Duration.ofSeconds(10));
        // Only its encode() is used: the envelope JSON exactly as the real publish path makes it.
        this.encoder = new RedisEventPublisher(redis, Publishing.namespaces(), new ObjectMapper(),
                new RedisEventPublisher.Settings(Duration.ofHours(1), 65536, false, Duration.ofSeconds(5)));
    }

    @Override
    public Uni<?> publish(String channel, CloudEvent event) {
        String envelope;
        try {
            envelope = encoder.encode(channel, event);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        long offset = next.computeIfAbsent(channel, c -> new AtomicLong()).incrementAndGet();
        String epoch = epochs.computeIfAbsent(channel, c -> Epochs.random());
        String frame = FrameBuilder.eventFrame(channel, epoch, offset, envelope);
        return connection.send(Request.cmd(Command.PUBLISH).arg(channel).arg(frame))
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .invoke(reply -> acknowledged.computeIfAbsent(channel, c -> new LongAccumulator(Math::max, 0)).accumulate(offset));
    }

    @Override
    public long lastOffset(String channel) {
        LongAccumulator last = acknowledged.get(channel);
        return last == null ? 0 : last.get();
    }

    @Override
    public List<EventExecutor> eventLoops() {
        return ClientLoad.loopsOf(vertx.getDelegate());
    }

    @Override
    public void close() {
        connection.close().await().atMost(Duration.ofSeconds(5));
        redis.close();
        vertx.closeAndAwait();
    }
}
