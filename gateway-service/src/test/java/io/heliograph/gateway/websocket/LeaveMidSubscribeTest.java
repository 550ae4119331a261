package io.heliograph.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.RawWebSocket;
import io.heliograph.testkit.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * Clients that leave while their {@code subscribe} is still in flight (the reply not yet sent):
 * whatever the subscription registered when it completes (hub, Redis subscription, presence) is
 * undone, so nobody sees them as members afterwards.
 */
@QuarkusTest
class LeaveMidSubscribeTest {

    static final int CLIENTS = 30;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Redis redis;

    interface Leave {
        void leave(RawWebSocket ws) throws Exception;
    }

    void subscribeAndLeaveAtOnce(String room, Leave leave) throws Exception {
        List<RawWebSocket> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new RawWebSocket(base, 65536));
        }
        for (RawWebSocket ws : clients) {
            ws.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + room + "\"}");
        }
        // Every subscribe is on the wire before the first client leaves, so the gateway has started
        // them (a reset arriving with the frame would discard it unread), yet none has been answered.
        for (RawWebSocket ws : clients) {
            leave.leave(ws);
        }
    }

    void assertNobodyLeftBehind(String room) throws InterruptedException {
        Thread.sleep(3000);
        try (WsClient observer = WsClient.connect(base)) {
            observer.next();
            JsonNode presence = observer.reply(observer.send(Map.of("op", "presence", "channel", room)));
            assertThat(presence.path("count").asInt()).as(presence.toString()).isZero();
        }
        assertThat(RedisAPI.api(redis).zcard("hg:{" + room + "}:presence").await().atMost(WAIT).toLong()).isZero();
        assertThat(RedisAPI.api(redis).pubsub(List.of("NUMSUB", "hg:{" + room + "}")).await().atMost(WAIT).get(1).toLong())
                .as("Redis subscription of the room").isZero();
    }

    @Test
    void clientsThatCloseBeforeSubscribedLeaveNoPresence() throws Exception {
        String room = Channels.unique("chat");
        subscribeAndLeaveAtOnce(room, RawWebSocket::sendCloseAndLeave);
        assertNobodyLeftBehind(room);
    }

    @Test
    void clientsThatDropTheConnectionBeforeSubscribedLeaveNoPresence() throws Exception {
        String room = Channels.unique("chat");
        subscribeAndLeaveAtOnce(room, RawWebSocket::drop);
        assertNobodyLeftBehind(room);
    }
}
