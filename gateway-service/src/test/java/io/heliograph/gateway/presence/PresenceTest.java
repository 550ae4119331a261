package io.heliograph.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.config.NodeId;
import io.heliograph.gateway.auth.ChannelAccess;
import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.hub.Hub;
import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.protocol.CloseCodes;
import io.heliograph.gateway.recovery.ChannelHistory;
import io.heliograph.gateway.support.Channels;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/** The presence refresh: it extends only live members and removes the ones this node no longer holds. */
@QuarkusTest
class PresenceTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Presence presence;

    @Inject
    NodeId node;

    @Inject
    Redis redis;

    @Inject
    Hub hub;

    @Inject
    ChannelHistory history;

    @Inject
    ChannelAccess access;

    List<String> members(String room) {
        List<String> members = new java.util.ArrayList<>();
        RedisAPI.api(redis).zrange(List.of("hg:{" + room + "}:presence", "0", "-1")).await().atMost(WAIT)
                .forEach(r -> members.add(r.toString()));
        return members;
    }

    void add(String room, String member) {
        RedisAPI.api(redis).zadd(List.of("hg:{" + room + "}:presence", Long.toString(System.currentTimeMillis() + 60_000), member))
                .await().atMost(WAIT);
    }

    @Test
    void aMemberClaimingThisNodeThatItDoesNotHoldIsRemovedAndAnnouncedByTheNextRefresh() {
        String room = Channels.unique("chat");
        try (WsClient alice = WsClient.connect(base)) {
            String session = alice.next().path("session").asText();
            assertThat(alice.subscribe(room).path("op").asText()).isEqualTo("subscribed");
            // A join whose leave went missing on this node, and a live member of another gateway.
            String ghost = Presence.stored("s-ghost", "mallory", node.value());
            String elsewhere = Presence.stored("s-elsewhere", "bob", "another-gateway");
            add(room, ghost);
            add(room, elsewhere);

            presence.refresh().await().atMost(WAIT);

            assertThat(members(room)).containsExactlyInAnyOrder(Presence.stored(session, null, node.value()), elsewhere);
            JsonNode leave = alice.await(f -> f.path("op").asText().equals("leave"));
            assertThat(leave.path("client").toString()).isEqualTo("{\"session\":\"s-ghost\",\"user\":\"mallory\"}");
            // Clients see {session, user}: the node is bookkeeping between gateways.
            JsonNode list = alice.reply(alice.send(Map.of("op", "presence", "channel", room)));
            assertThat(list.path("count").asInt()).isEqualTo(2);
            assertThat(list.path("clients")).allSatisfy(c -> assertThat(c.fieldNames()).toIterable().containsExactly("session", "user"));
        }
    }

    /** A connection that went away without its cleanup running: it takes nothing and is not open. */
    static final class GoneTransport implements Transport {
        @Override
        public void write(String frame) {
        }

        @Override
        public void close(CloseCodes code) {
        }

        @Override
        public boolean isOpen() {
            return false;
        }
    }

    @Test
    void theRefreshDoesNotExtendAMemberWhoseConnectionIsGoneButRemovesIt() {
        String room = Channels.unique("chat");
        ChannelName channel = ChannelName.of(room);
        Client gone = new Client(Client.newSessionId(), "carol", new GoneTransport(), hub, history, presence);
        presence.joined(channel, access.readable(channel, null), gone).await().atMost(WAIT);
        assertThat(members(room)).containsExactly(Presence.stored(gone.session(), "carol", node.value()));

        presence.refresh().await().atMost(WAIT);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> members(room).isEmpty());
    }
}
