package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.Published;
import io.heliograph.core.publish.RedisEventPublisher;
import io.heliograph.testkit.ClusterSlots;
import io.heliograph.testkit.LocalRedisCluster;
import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * The gateway in Redis Cluster mode ({@code HELIOGRAPH_SHARDED=true}) against a real three-master
 * cluster: channels on every shard are SSUBSCRIBEd where they live, and history reads (recovery)
 * work, since all of a channel's keys share its hash tag.
 */
class GatewayClusterIT {

    @Test
    void aShardedGatewayDeliversAndRecoversChannelsOnEveryShard() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (LocalRedisCluster cluster = LocalRedisCluster.start(3)) {
            String hosts = cluster.ports().stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            cluster.ports().forEach(p -> options.addConnectionString("redis://127.0.0.1:" + p));
            RedisEventPublisher publisher = new RedisEventPublisher(Redis.createClient(vertx, options),
                    new Namespaces(Map.of("recipes", new NamespacePolicy("recipes", 100, false, false, false, false))),
                    new ObjectMapper(), new RedisEventPublisher.Settings(Duration.ofHours(1), 65536, true, Duration.ofSeconds(5)));

            ClusterSlots slots = ClusterSlots.read(cluster.cli(cluster.ports().get(0), "CLUSTER", "NODES"));
            List<String> channels = new ArrayList<>();
            Set<Integer> owners = new HashSet<>();
            while (owners.size() < 3 || channels.size() < 6) {
                String channel = "recipes.shard" + UUID.randomUUID().toString().substring(0, 8);
                channels.add(channel);
                owners.add(slots.ownerOf(ClusterSlots.slotOf(ChannelName.of(channel).pubSubChannel())));
            }

            try (ServiceProcess gateway = Services.start("gateway-service", "it-cluster-gw", ServiceProcess.env(
                    "QUARKUS_REDIS_HOSTS", hosts, "QUARKUS_REDIS_CLIENT_TYPE", "cluster", "HELIOGRAPH_SHARDED", "true"));
                    WsClient ws = Services.ws(gateway)) {
                ws.next();
                for (String channel : channels) {
                    assertThat(ws.subscribe(channel).path("op").asText()).isEqualTo("subscribed");
                }
                for (String channel : channels) {
                    Published p = publisher.publish(channel, CloudEvent.of("/it", "test-event", null, channel)).await().atMost(Duration.ofSeconds(10));
                    JsonNode frame = ws.await(f -> f.path("op").asText().equals("event") && f.path("channel").asText().equals(channel));
                    assertThat(frame.path("offset").asLong()).isEqualTo(p.offset());
                    assertThat(frame.path("event").path("data").asText()).isEqualTo(channel);
                }
                // Recovery reads the channel's history on its own shard.
                String channel = channels.get(0);
                String epoch = null;
                for (int i = 0; i < 3; i++) {
                    epoch = publisher.publish(channel, CloudEvent.of("/it", "test-event", null, i)).await().atMost(Duration.ofSeconds(10)).epoch();
                }
                try (WsClient late = Services.ws(gateway)) {
                    late.next();
                    long id = late.send(Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", epoch, "offset", 1)));
                    assertThat(late.await(f -> f.path("id").asLong(-1) == id).path("recovered").asBoolean()).isTrue();
                    assertThat(late.next().path("offset").asLong()).isEqualTo(2);
                    assertThat(late.next().path("offset").asLong()).isEqualTo(3);
                    assertThat(late.next().path("offset").asLong()).isEqualTo(4);
                }
            }
        } finally {
            vertx.closeAndAwait();
        }
    }
}
