package io.heliograph.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.Published;
import io.heliograph.gateway.support.Channels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * SSE streams and long-polls whose client goes away while their subscription is still starting:
 * the gateway lets go of the channel (no local subscriber, no Redis subscription) by itself.
 */
@QuarkusTest
class LeaveMidSubscribeTest {

    static final int CLIENTS = 30;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Redis redis;

    @Inject
    EventPublisher publisher;

    /** Sends each request and then drops every connection, with a reset or a plain close. */
    void requestAndLeave(String path, boolean reset) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            sockets.add(socket);
        }
        for (Socket socket : sockets) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        for (Socket socket : sockets) {
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        }
    }

    void assertChannelReleased(String channel) throws InterruptedException {
        Thread.sleep(3000);
        assertThat(RedisAPI.api(redis).pubsub(List.of("NUMSUB", "hg:{" + channel + "}")).await().atMost(WAIT).get(1).toLong())
                .as("Redis subscription of " + channel).isZero();
    }

    @Test
    void sseStreamsClosedBeforeTheirFirstEventReleaseTheirChannels() throws Exception {
        String a = Channels.unique("recipes");
        String b = Channels.unique("recipes");
        requestAndLeave("/sse?channel=" + a + "&channel=" + b, false);
        assertChannelReleased(a);
        assertChannelReleased(b);
    }

    @Test
    void sseStreamsResetBeforeTheirFirstEventReleaseTheirChannels() throws Exception {
        String channel = Channels.unique("recipes");
        requestAndLeave("/sse?channel=" + channel, true);
        assertChannelReleased(channel);
    }

    @Test
    void waitingLongPollsWhoseClientLeftReleaseTheirChannel() throws Exception {
        String channel = Channels.unique("recipes");
        Published p = publisher.publish(channel, CloudEvent.of("/test", "test-event", null, 1)).await().atMost(WAIT);
        String path = "/api/channels/" + channel + "/events?epoch=" + p.epoch() + "&since=" + p.offset() + "&wait=25";
        requestAndLeave(path, false);
        requestAndLeave(path, true);
        assertChannelReleased(channel);
    }
}
