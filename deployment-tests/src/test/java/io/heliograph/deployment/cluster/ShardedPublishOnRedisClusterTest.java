package io.heliograph.deployment.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.testkit.ClusterSlots;
import io.heliograph.testkit.LocalRedisCluster;
import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.Outcome;
import io.heliograph.core.publish.Publication;
import io.heliograph.core.publish.RedisScript;
import io.heliograph.core.publish.Published;
import io.heliograph.core.publish.RedisEventPublisher;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * The shared publish path with {@code heliograph.sharded=true} against a real three-master Redis
 * Cluster: what a fleet sees when Redis is sharded. Channels are chosen so that every master owns
 * some of them; each channel's keys must share its slot (the {@code {C}} hash tag), and a browser's
 * gateway, SSUBSCRIBEd on the shard that owns the slot, must receive exactly the stored frames.
 */
class ShardedPublishOnRedisClusterTest {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final int MASTERS = 3;
    static final int CHANNELS_PER_MASTER = 2;
    static final int EVENTS_PER_CHANNEL = 5;
    static final int HISTORY = 3;
    static final ObjectMapper MAPPER = new ObjectMapper();

    static LocalRedisCluster cluster;
    static Vertx vertx;
    static Redis clusterClient;
    static RedisAPI clusterApi;
    static RedisEventPublisher publisher;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalRedisCluster.start(MASTERS);
        vertx = Vertx.vertx();
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
        cluster.ports().forEach(port -> options.addConnectionString("redis://127.0.0.1:" + port));
        clusterClient = Redis.createClient(vertx, options);
        clusterApi = RedisAPI.api(clusterClient);
        Namespaces namespaces = new Namespaces(Map.of(
                "test", new NamespacePolicy("test", HISTORY, true, false, false, false)));
        publisher = new RedisEventPublisher(clusterClient, namespaces, MAPPER, new RedisEventPublisher.Settings(
                Duration.ofHours(24), 65536, true, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stopCluster() {
        if (clusterClient != null) {
            clusterClient.close();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyShardTakesItsChannelsWithOffsetsHistoryAndShardedDelivery() throws Exception {
        Map<String, Integer> owners = channelsOnEveryMaster();
        assertThat(owners.values().stream().distinct().count()).as("masters owning a test channel").isEqualTo(MASTERS);

        Map<String, BlockingQueue<String>> deliveries = new LinkedHashMap<>();
        List<RedisConnection> subscribers = new ArrayList<>();
        try {
            for (Map.Entry<String, Integer> entry : owners.entrySet()) {
                deliveries.put(entry.getKey(), new LinkedBlockingQueue<>());
                subscribers.add(shardSubscribe(entry.getValue(), entry.getKey(), deliveries.get(entry.getKey())));
            }

            for (String channel : owners.keySet()) {
                List<Published> published = new ArrayList<>();
                for (int i = 1; i <= EVENTS_PER_CHANNEL; i++) {
                    published.add(publisher.publish(channel, CloudEvent.of("/deployment-tests", "test-event", null,
                            Map.of("i", i))).await().atMost(WAIT));
                }
                assertThat(published).extracting(Published::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(published).extracting(Published::epoch).containsOnly(published.get(0).epoch());

                ChannelName name = ChannelName.of(channel);
                int port = owners.get(channel);
                // The hash tag keeps all of the channel's keys, and its Pub/Sub channel, in one slot.
                assertThat(List.of(name.offsetKey(), name.epochKey(), name.historyKey(), name.pubSubChannel()))
                        .extracting(key -> keySlot(port, key))
                        .containsOnly(ClusterSlots.slotOf(name.pubSubChannel()));
                assertThat(clusterApi.get(name.offsetKey()).await().atMost(WAIT).toLong()).isEqualTo(EVENTS_PER_CHANNEL);
                assertThat(clusterApi.get(name.epochKey()).await().atMost(WAIT).toString())
                        .isEqualTo(published.get(0).epoch());

                Response history = clusterApi.xrange(List.of(name.historyKey(), "-", "+")).await().atMost(WAIT);
                assertThat(history.size()).isEqualTo(HISTORY);
                List<String> stored = new ArrayList<>();
                for (int i = 0; i < HISTORY; i++) {
                    long offset = EVENTS_PER_CHANNEL - HISTORY + 1 + i;
                    assertThat(history.get(i).get(0).toString()).isEqualTo(offset + "-0");
                    stored.add(history.get(i).get(1).get(1).toString());
                }

                List<String> frames = new ArrayList<>();
                for (int i = 0; i < EVENTS_PER_CHANNEL; i++) {
                    String frame = deliveries.get(channel).poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(frame).as("frame %d of %s over SSUBSCRIBE on port %d", i + 1, channel, port).isNotNull();
                    frames.add(frame);
                }
                for (int i = 0; i < EVENTS_PER_CHANNEL; i++) {
                    JsonNode frame = MAPPER.readTree(frames.get(i));
                    assertThat(frame.get("op").asText()).isEqualTo("event");
                    assertThat(frame.get("channel").asText()).isEqualTo(channel);
                    assertThat(frame.get("epoch").asText()).isEqualTo(published.get(i).epoch());
                    assertThat(frame.get("offset").asLong()).isEqualTo(i + 1);
                    assertThat(frame.get("event").get("id").asText()).isEqualTo(published.get(i).id());
                }
                // Byte for byte what the history holds: gateways forward the payload without re-encoding.
                assertThat(frames.subList(EVENTS_PER_CHANNEL - HISTORY, EVENTS_PER_CHANNEL)).isEqualTo(stored);
            }
            // Each master got the script through the EVAL fallback on its first NOSCRIPT.
            for (int port : cluster.ports()) {
                assertThat(cluster.cli(port, "SCRIPT", "EXISTS", RedisScript.load(RedisScript.PUBLISH).sha1())).isEqualTo("1");
            }
            // Nothing was delivered twice.
            deliveries.forEach((channel, queue) -> assertThat(queue).as("extra frames on %s", channel).isEmpty());
        } finally {
            for (RedisConnection subscriber : subscribers) {
                subscriber.close().await().atMost(WAIT);
            }
        }
    }

    @Test
    void shardedSubscribeOnTheWrongShardOrAcrossSlotsIsRefused() throws Exception {
        Map<String, Integer> owners = channelsOnEveryMaster();
        String channel = owners.keySet().iterator().next();
        int owner = owners.get(channel);
        int other = cluster.ports().stream().filter(port -> port != owner).findFirst().orElseThrow();
        String reply = cluster.cli(other, "SSUBSCRIBE", ChannelName.of(channel).pubSubChannel());
        // A gateway must SSUBSCRIBE on the shard owning the slot: any other node answers MOVED.
        assertThat(reply).startsWith("MOVED " + ClusterSlots.slotOf(ChannelName.of(channel).pubSubChannel()));
        // And one SSUBSCRIBE cannot name channels of different slots: a subscriber resubscribing
        // all its channels at once must group them by slot (or send one channel per command).
        String elsewhere = owners.entrySet().stream().filter(e -> e.getValue() != owner).findFirst().orElseThrow().getKey();
        String crossSlot = cluster.cli(owner, "SSUBSCRIBE", ChannelName.of(channel).pubSubChannel(),
                ChannelName.of(elsewhere).pubSubChannel());
        assertThat(crossSlot).startsWith("CROSSSLOT");
    }

    @Test
    void aClusterClientConnectionRoutesEachSsubscribeToTheShardOwningTheChannel() throws Exception {
        // What a gateway started with quarkus.redis.client-type=cluster does: one cluster connection,
        // SSUBSCRIBE per channel, each routed by the channel's slot to the master that owns it.
        Map<String, Integer> owners = channelsOnEveryMaster();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        RedisConnection connection = clusterClient.connect().await().atMost(WAIT);
        try {
            connection.handler(message -> {
                if (message.size() == 3 && "smessage".equals(message.get(0).toString())) {
                    received.add(message.get(1).toString() + " " + message.get(2).toString());
                }
            });
            for (String channel : owners.keySet()) {
                connection.send(Request.cmd(Command.SSUBSCRIBE).arg(ChannelName.of(channel).pubSubChannel()))
                        .await().atMost(WAIT);
            }
            List<String> expected = new ArrayList<>();
            for (String channel : owners.keySet()) {
                Published p = publisher.publish(channel, CloudEvent.of("/deployment-tests", "test-event", null, "x"))
                        .await().atMost(WAIT);
                expected.add(ChannelName.of(channel).pubSubChannel() + " " + p.offset());
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                String message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(message).as("sharded message %d of %d", i + 1, expected.size()).isNotNull();
                String[] parts = message.split(" ", 2);
                got.add(parts[0] + " " + MAPPER.readTree(parts[1]).get("offset").asLong());
            }
            assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            connection.close().await().atMost(WAIT);
        }
    }

    /** Fresh channel names, {@value #CHANNELS_PER_MASTER} on each master, with the port of their owner. */
    @Test
    void aBatchOverEveryShardIsPipelinedAndARepeatedIdIsPublishedOnce() throws Exception {
        Map<String, Integer> owners = channelsOnEveryMaster();
        List<Publication> batch = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            for (String channel : owners.keySet()) {
                CloudEvent event = CloudEvent.withId(channel + "-" + i, "/deployment-tests", "test-event", null, i);
                batch.add(Publication.once(channel, event, "deployment-tests"));
                // The same id again, in the same call of its channel: one record, in its channel's slot.
                batch.add(Publication.once(channel, event, "deployment-tests"));
            }
        }

        List<Outcome> outcomes = publisher.publishAll(batch).await().atMost(WAIT);

        assertThat(outcomes).allMatch(Outcome::isPublished);
        for (String channel : owners.keySet()) {
            assertThat(outcomes.stream().map(Outcome::published).filter(p -> p.channel().equals(channel))
                    .map(Published::offset).toList()).containsExactly(1L, 1L, 2L, 2L);
            ChannelName name = ChannelName.of(channel);
            assertThat(keySlot(owners.get(channel), name.idempotencyKey("deployment-tests", channel + "-1")))
                    .isEqualTo(ClusterSlots.slotOf(name.pubSubChannel()));
            assertThat(clusterApi.get(name.offsetKey()).await().atMost(WAIT).toLong()).isEqualTo(2);
        }
    }

    private static Map<String, Integer> channelsOnEveryMaster() throws Exception {
        ClusterSlots slots = ClusterSlots.read(cluster.cli(cluster.ports().get(0), "CLUSTER", "NODES"));
        Map<Integer, Integer> perMaster = new LinkedHashMap<>();
        Map<String, Integer> owners = new LinkedHashMap<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; owners.size() < MASTERS * CHANNELS_PER_MASTER; i++) {
            String channel = "test.shard-" + run + "-" + i;
            int port = slots.ownerOf(ClusterSlots.slotOf(ChannelName.of(channel).pubSubChannel()));
            if (perMaster.merge(port, 1, Integer::sum) <= CHANNELS_PER_MASTER) {
                owners.put(channel, port);
            }
        }
        return owners;
    }

    private static int keySlot(int port, String key) {
        try {
            return Integer.parseInt(cluster.cli(port, "CLUSTER", "KEYSLOT", key));
        } catch (Exception e) {
            throw new AssertionError("CLUSTER KEYSLOT " + key, e);
        }
    }

    /** SSUBSCRIBE to the channel's Pub/Sub channel on one node, as a gateway would on that shard. */
    private static RedisConnection shardSubscribe(int port, String channel, BlockingQueue<String> into) {
        String pubSub = ChannelName.of(channel).pubSubChannel();
        RedisConnection connection = Redis.createClient(vertx, "redis://127.0.0.1:" + port).connect()
                .await().atMost(WAIT);
        connection.handler(message -> {
            if (message.size() == 3 && "smessage".equals(message.get(0).toString())
                    && pubSub.equals(message.get(1).toString())) {
                into.add(new String(message.get(2).toBytes(), StandardCharsets.UTF_8));
            }
        });
        connection.send(Request.cmd(Command.SSUBSCRIBE).arg(pubSub)).await().atMost(WAIT);
        return connection;
    }
}
