package io.heliograph.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/** The publish script against the real Redis started by {@code ./heliograph infra up}. */
class RedisEventPublisherTest {

    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    static final Duration WAIT = Duration.ofSeconds(10);

    static Vertx vertx;
    static Redis redis;
    static RedisAPI api;
    static RedisEventPublisher publisher;
    static final ObjectMapper MAPPER = new ObjectMapper();

    static final Namespaces NAMESPACES = new Namespaces(Map.of(
            "recipes", new NamespacePolicy("recipes", 100, false, false, false, false),
            "test", new NamespacePolicy("test", 1000, true, false, false, false),
            "nohistory", new NamespacePolicy("nohistory", 0, false, false, false, false)));

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        // Sized as heliograph-core's META-INF/microprofile-config.properties sizes every service's client.
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(REDIS_URL)
                .setMaxPoolSize(64).setMaxPoolWaiting(16384));
        api = RedisAPI.api(redis);
        publisher = publisherFor(redis);
        // Fails (not skips) when Redis is missing: these tests exist to exercise the real server.
        assertThat(api.ping(List.of()).await().atMost(WAIT).toString()).isEqualTo("PONG");
    }

    static RedisEventPublisher publisherFor(Redis client) {
        return new RedisEventPublisher(client, NAMESPACES, MAPPER, new RedisEventPublisher.Settings(
                Duration.ofHours(24), 65536, false, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void close() {
        redis.close();
        vertx.closeAndAwait();
    }

    static String freshChannel(String namespace) {
        return namespace + ".t-" + UUID.randomUUID().toString().substring(0, 12);
    }

    static Published publish(String channel, Object data) {
        return publisher.publish(channel, CloudEvent.of("/test", "test-event", null, data)).await().atMost(WAIT);
    }

    @Test
    void offsetsStrictlyIncreaseWithoutGapsUnderConcurrentPublishers() throws Exception {
        String channel = freshChannel("test");
        int threads = 8;
        int perThread = 1000;
        Set<Long> offsets = ConcurrentHashMap.newKeySet();
        Set<String> epochs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Published p = publish(channel, Map.of("thread", thread, "i", i));
                        assertThat(offsets.add(p.offset())).as("offset %d given twice", p.offset()).isTrue();
                        epochs.add(p.epoch());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(epochs).hasSize(1);
        assertThat(offsets).hasSize(threads * perThread);
        assertThat(offsets.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
        assertThat(offsets.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(threads * perThread);
        // The history holds the same sequence, in order, each entry id <offset>-0.
        ChannelName name = ChannelName.of(channel);
        Response range = api.xrange(List.of(name.historyKey(), "-", "+")).await().atMost(WAIT);
        assertThat(range.size()).isEqualTo(1000);
        long expected = threads * perThread - 999;
        for (Response entry : range) {
            assertThat(entry.get(0).toString()).isEqualTo(expected + "-0");
            assertThat(MAPPER.readTree(entry.get(1).get(1).toString()).get("offset").asLong()).isEqualTo(expected);
            expected++;
        }
    }

    @Test
    void historyKeepsAtMostTheNamespaceSizeWithOffsetIds() {
        String channel = freshChannel("recipes");
        for (int i = 1; i <= 150; i++) {
            publish(channel, Map.of("i", i));
        }
        ChannelName name = ChannelName.of(channel);
        assertThat(api.xlen(name.historyKey()).await().atMost(WAIT).toLong()).isEqualTo(100);
        Response range = api.xrange(List.of(name.historyKey(), "-", "+")).await().atMost(WAIT);
        assertThat(range.get(0).get(0).toString()).isEqualTo("51-0");
        assertThat(range.get(99).get(0).toString()).isEqualTo("150-0");
        assertThat(api.get(name.offsetKey()).await().atMost(WAIT).toLong()).isEqualTo(150);
        assertThat(api.ttl(name.historyKey()).await().atMost(WAIT).toLong()).isBetween(86000L, 86400L);
        assertThat(api.ttl(name.epochKey()).await().atMost(WAIT).toLong()).isBetween(86000L, 86400L);
        assertThat(api.ttl(name.offsetKey()).await().atMost(WAIT).toLong()).isBetween(86000L, 86400L);
    }

    @Test
    void namespaceWithoutHistoryStillAdvancesTheOffset() {
        String channel = freshChannel("nohistory");
        publish(channel, "a");
        Published second = publish(channel, "b");
        assertThat(second.offset()).isEqualTo(2);
        assertThat(api.exists(List.of(ChannelName.of(channel).historyKey())).await().atMost(WAIT).toInteger()).isZero();
    }

    @Test
    void deletingTheKeysStartsANewEpoch() {
        String channel = freshChannel("test");
        Published first = publish(channel, 1);
        publish(channel, 2);
        ChannelName name = ChannelName.of(channel);
        api.del(List.of(name.offsetKey(), name.epochKey(), name.historyKey())).await().atMost(WAIT);
        Published after = publish(channel, 3);
        assertThat(after.epoch()).isNotEqualTo(first.epoch());
        assertThat(after.offset()).isEqualTo(1);
        assertThat(api.xlen(name.historyKey()).await().atMost(WAIT).toLong()).isEqualTo(1);
    }

    @Test
    void losingOnlyTheOffsetStartsANewEpochInsteadOfRepeatingOffsets() {
        String channel = freshChannel("test");
        Published first = publish(channel, 1);
        publish(channel, 2);
        api.del(List.of(ChannelName.of(channel).offsetKey())).await().atMost(WAIT);
        Published after = publish(channel, 3);
        assertThat(after.epoch()).isNotEqualTo(first.epoch());
        assertThat(after.offset()).isEqualTo(1);
    }

    @Test
    void subscriberReceivesTheFrameByteForByteAsStoredInHistory() throws Exception {
        String channel = freshChannel("test");
        ChannelName name = ChannelName.of(channel);
        List<String> received = new CopyOnWriteArrayList<>();
        CountDownLatch got = new CountDownLatch(1);
        RedisConnection sub = redis.connect().await().atMost(WAIT);
        try {
            sub.handler(msg -> {
                if (msg.size() == 3 && "message".equals(msg.get(0).toString())) {
                    received.add(msg.get(2).toString());
                    got.countDown();
                }
            });
            sub.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.SUBSCRIBE)
                    .arg(name.pubSubChannel())).await().atMost(WAIT);
            Published p = publish(channel, Map.of("title", "Phở \"bò\"", "n", 42));
            assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
            String stored = api.xrange(List.of(name.historyKey(), "-", "+")).await().atMost(WAIT)
                    .get(0).get(1).get(1).toString();
            assertThat(received.get(0)).isEqualTo(stored);
            JsonNode frame = MAPPER.readTree(stored);
            assertThat(frame.get("op").asText()).isEqualTo("event");
            assertThat(frame.get("channel").asText()).isEqualTo(channel);
            assertThat(frame.get("epoch").asText()).isEqualTo(p.epoch());
            assertThat(frame.get("offset").asLong()).isEqualTo(p.offset());
            assertThat(frame.get("event").get("id").asText()).isEqualTo(p.id());
            assertThat(frame.get("event").get("specversion").asText()).isEqualTo("1.0");
            assertThat(frame.get("event").get("data").get("title").asText()).isEqualTo("Phở \"bò\"");
        } finally {
            sub.close().await().atMost(WAIT);
        }
    }

    @Test
    void fallsBackToEvalAfterAScriptFlush() {
        String channel = freshChannel("test");
        publish(channel, 1);
        api.script(List.of("FLUSH")).await().atMost(WAIT);
        assertThat(publish(channel, 2).offset()).isEqualTo(2);
        // EVAL loaded it again, so EVALSHA works from now on.
        assertThat(api.script(List.of("EXISTS", RedisScript.load(RedisScript.PUBLISH).sha1())).await().atMost(WAIT).get(0).toInteger())
                .isEqualTo(1);
    }

    @Test
    void publishAllGivesEachChannelsEventsConsecutiveOffsetsInOrderAroundARefusal() throws Exception {
        String a = freshChannel("test");
        String b = freshChannel("recipes");
        CloudEvent once = CloudEvent.withId(UUID.randomUUID().toString(), "/t", "x", null, "b1");
        List<Outcome> outcomes = publisher.publishAll(List.of(
                Publication.of(a, CloudEvent.of("/t", "x", null, "a1")),
                Publication.once(b, once, "scope"),
                Publication.of(a, CloudEvent.of("/t", "bad type!", null, "refused")),
                Publication.of("nowhere.chan", CloudEvent.of("/t", "x", null, "refused")),
                Publication.of(a, CloudEvent.of("/t", "x", null, "a2")),
                Publication.once(b, once, "scope"),
                Publication.once(b, once, "another-scope"))).await().atMost(WAIT);

        assertThat(outcomes).extracting(o -> o.isPublished() ? o.published().offset() : -1L)
                .containsExactly(1L, 1L, -1L, -1L, 2L, 1L, 2L);
        assertThat(outcomes.get(2).refusal().reason()).isEqualTo(PublishException.Reason.BAD_REQUEST);
        assertThat(outcomes.get(3).refusal().reason()).isEqualTo(PublishException.Reason.FORBIDDEN);
        assertThat(outcomes.get(5).published()).isEqualTo(outcomes.get(1).published());
        assertThat(dataInHistory(a)).containsExactly("a1", "a2");
        assertThat(dataInHistory(b)).containsExactly("b1", "b1");
        assertThat(api.pttl(ChannelName.of(b).idempotencyKey("scope", once.id())).await().atMost(WAIT).toLong())
                .isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
    }

    @Test
    void publishAllThenRunsTheCallersCommandsAfterTheEventsInTheSameRoundTrip() throws Exception {
        String a = freshChannel("test");
        String b = freshChannel("recipes");
        EventPublisher.Pipelined result = publisher.publishAllThen(List.of(
                        Publication.of(a, CloudEvent.of("/t", "x", null, "a1")),
                        Publication.of(b, CloudEvent.of("/t", "x", null, "b1")),
                        Publication.of(a, CloudEvent.of("/t", "x", null, "a2"))),
                List.of(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.GET).arg(ChannelName.of(a).offsetKey()),
                        io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.GET).arg(ChannelName.of(b).offsetKey())), WAIT)
                .await().atMost(WAIT);

        assertThat(result.outcomes()).extracting(o -> o.published().offset()).containsExactly(1L, 1L, 2L);
        // The commands ran after the events: they read the offsets the events took.
        assertThat(result.replies()).extracting(Response::toLong).containsExactly(2L, 1L);
        assertThat(dataInHistory(a)).containsExactly("a1", "a2");
    }

    @Test
    void publishAllThenFailsAsUnavailableWhenOneOfTheCommandsFails() throws Exception {
        String a = freshChannel("test");
        assertThatThrownBy(() -> publisher.publishAllThen(List.of(Publication.of(a, CloudEvent.of("/t", "x", null, "a1"))),
                        List.of(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.INCR).arg(ChannelName.of(a).historyKey())), WAIT)
                .await().atMost(WAIT))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.UNAVAILABLE));
        assertThat(dataInHistory(a)).containsExactly("a1");
    }

    @Test
    void concurrentRepeatsOfAnIdArePublishedOnceAndAllAnswerTheFirstResult() throws Exception {
        String channel = freshChannel("test");
        CloudEvent event = CloudEvent.withId(UUID.randomUUID().toString(), "/t", "x", null, "once");
        List<io.smallrye.mutiny.Uni<Published>> repeats = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            repeats.add(publisher.publish(Publication.once(channel, event, "scope")));
        }
        List<Published> answers = io.smallrye.mutiny.Uni.join().all(repeats).andFailFast().await().atMost(WAIT);
        assertThat(answers).containsOnly(answers.get(0));
        assertThat(dataInHistory(channel)).containsExactly("once");
    }

    private static List<String> dataInHistory(String channel) throws Exception {
        List<String> data = new ArrayList<>();
        for (Response entry : api.xrange(List.of(ChannelName.of(channel).historyKey(), "-", "+")).await().atMost(WAIT)) {
            data.add(MAPPER.readTree(entry.get(1).get(1).toString()).path("event").path("data").asText());
        }
        return data;
    }

    @Test
    void invalidInputIsRefusedBeforeRedisIsTouched() {
        // A publisher whose Redis does not exist: any attempt to reach it would fail as UNAVAILABLE,
        // so the specific reasons below prove the refusal happened first.
        Redis nowhere = Redis.createClient(vertx, "redis://127.0.0.1:1");
        RedisEventPublisher offline = publisherFor(nowhere);
        try {
            assertReason(offline, "Bad Channel", CloudEvent.of("/t", "x", null, 1), PublishException.Reason.INVALID_CHANNEL);
            assertReason(offline, "nowhere.chan", CloudEvent.of("/t", "x", null, 1), PublishException.Reason.FORBIDDEN);
            assertReason(offline, "test.a", CloudEvent.of("/t", "bad type!", null, 1), PublishException.Reason.BAD_REQUEST);
            assertReason(offline, "test.a", CloudEvent.of("/t", "x", null, "y".repeat(65536)), PublishException.Reason.TOO_LARGE);
            assertReason(offline, "test.a", CloudEvent.of("/t", "x", null, 1), PublishException.Reason.UNAVAILABLE);
        } finally {
            nowhere.close();
        }
    }

    private static void assertReason(RedisEventPublisher p, String channel, CloudEvent event, PublishException.Reason reason) {
        assertThatThrownBy(() -> p.publish(channel, event).await().atMost(WAIT))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
