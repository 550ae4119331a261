package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.Published;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;

/**
 * What the floor is sent, against the real Redis: the bytes the publish script would have written
 * for the same event ({@link FrameBuilder}), numbered per channel in order, on the channel's own
 * name. The floor forwards these bytes unchanged, so this is what its clients read.
 */
class FloorPublishingTest {

    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    static final Duration WAIT = Duration.ofSeconds(10);

    static Vertx vertx;
    static Redis redis;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, REDIS_URL);
    }

    @AfterAll
    static void close() {
        redis.close();
        vertx.closeAndAwait();
    }

    @Test
    void floorFrameIsByteForByteTheScriptsFrameButForTheEpoch() throws Exception {
        String run = Rig.runId();
        String gatewayChannel = "prices.bench-test-" + run + "-a";
        String floorChannel = "prices.bench-test-" + run + "-b";
        // Same length of name, so the frames must be the same size; same event, so the same envelope.
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(FrameScanner.SENT_KEY, 123_456_789L);
        data.put(FrameScanner.SEQ_KEY, 0L);
        CloudEvent forGateway = CloudEvent.of("/heliograph-bench", "price-update", gatewayChannel, data);
        CloudEvent forFloor = new CloudEvent(forGateway.specversion(), forGateway.id(), forGateway.source(), forGateway.type(),
                forGateway.time(), floorChannel, forGateway.datacontenttype(), data);

        String scriptFrame;
        String envelope;
        Published published;
        try (Publishing publishing = new Publishing(REDIS_URL)) {
            Subscription sub = subscribe(ChannelName.of(gatewayChannel).pubSubChannel());
            try {
                envelope = publishing.publisher().encode(gatewayChannel, forGateway);
                published = publishing.publisher().publish(gatewayChannel, forGateway).await().atMost(WAIT);
                scriptFrame = sub.next();
            } finally {
                sub.close();
            }
        }
        String floorFrame;
        try (FloorPublishing floor = new FloorPublishing(REDIS_URL)) {
            Subscription sub = subscribe(floorChannel);
            try {
                floor.publish(floorChannel, forFloor).await().atMost(WAIT);
                floorFrame = sub.next();
            } finally {
                sub.close();
            }
        }

        assertThat(published.offset()).isEqualTo(1);
        assertThat(floorFrame).hasSameSizeAs(scriptFrame);
        String epoch = floorFrame.substring(floorFrame.indexOf("\"epoch\":\"") + 9, floorFrame.indexOf("\",\"offset\""));
        assertThat(floorFrame.replace(floorChannel, gatewayChannel).replace(epoch, published.epoch())).isEqualTo(scriptFrame);
        assertThat(FrameBuilder.eventFrame(gatewayChannel, published.epoch(), 1, envelope)).isEqualTo(scriptFrame);
    }

    @Test
    void framesAreNumberedOnePerChannelInOrderAndTheClientReadsThem() throws Exception {
        String run = Rig.runId();
        String a = "prices.bench-test-" + run + "-a";
        String b = "prices.bench-test-" + run + "-b";
        try (FloorPublishing floor = new FloorPublishing(REDIS_URL)) {
            Subscription subA = subscribe(a);
            Subscription subB = subscribe(b);
            try {
                for (int seq = 0; seq < 200; seq++) {
                    String channel = seq % 2 == 0 ? a : b;
                    Map<String, Object> data = Map.of(FrameScanner.SENT_KEY, System.nanoTime(), FrameScanner.SEQ_KEY, (long) seq);
                    floor.publish(channel, CloudEvent.of("/heliograph-bench", "price-update", channel, data)).subscribe().with(x -> { });
                }
                for (int i = 1; i <= 100; i++) {
                    Buffer frame = Buffer.buffer(subA.next());
                    assertThat(FrameScanner.isEvent(frame)).isTrue();
                    assertThat(FrameScanner.offset(frame)).isEqualTo(i);
                    assertThat(FrameScanner.sequence(frame)).isEqualTo(2L * (i - 1));
                    assertThat(FrameScanner.offset(Buffer.buffer(subB.next()))).isEqualTo(i);
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                while ((floor.lastOffset(a) < 100 || floor.lastOffset(b) < 100) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(floor.lastOffset(a)).isEqualTo(100);
                assertThat(floor.lastOffset(b)).isEqualTo(100);
                assertThat(floor.lastOffset("prices.never-published")).isZero();
            } finally {
                subA.close();
                subB.close();
            }
        }
    }

    /** A plain Redis subscriber connection on one channel. */
    record Subscription(RedisConnection connection, BlockingQueue<String> messages) {
        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }

        void close() {
            connection.close().await().atMost(WAIT);
        }
    }

    static Subscription subscribe(String channel) {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        RedisConnection connection = redis.connect().await().atMost(WAIT);
        connection.handler(msg -> {
            if (msg.size() == 3 && "message".equals(msg.get(0).toString())) {
                messages.add(msg.get(2).toString());
            }
        });
        connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).await().atMost(WAIT);
        return new Subscription(connection, messages);
    }
}
