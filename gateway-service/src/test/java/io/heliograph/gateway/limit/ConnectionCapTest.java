package io.heliograph.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.gateway.support.Channels;
import io.heliograph.gateway.support.SmallLimits;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * One per-IP cap over every transport (PROTOCOL.md section 6), with {@code max-connections-per-ip=5}:
 * WebSockets, open SSE streams and waiting long-polls count together, concurrent opens never get
 * more than the cap through, and every way a connection ends gives its place back.
 */
@QuarkusTest
@TestProfile(SmallLimits.class)
class ConnectionCapTest {

    static final int CAP = 5;
    static final String ADDRESS = "127.0.0.1";

    @TestHTTPResource("/")
    URI base;

    @Inject
    ConnectionCap cap;

    @Inject
    EventPublisher publisher;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    final List<WebSocket> sockets = new ArrayList<>();
    final List<HttpResponse<InputStream>> streams = new ArrayList<>();

    @BeforeEach
    void nothingHeld() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cap.held(ADDRESS) == 0);
    }

    /** 101 when the upgrade was accepted (the socket is kept open), else the refusal's status. */
    CompletableFuture<Integer> openWebSocket() {
        URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
        return http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() { }).handle((socket, failure) -> {
            if (failure == null) {
                synchronized (sockets) {
                    sockets.add(socket);
                }
                return 101;
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new IllegalStateException(cause);
        });
    }

    /** The status of an SSE open; an accepted stream is kept open. */
    CompletableFuture<Integer> openSse(String channel) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/sse?channel=" + channel)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenApply(response -> {
            if (response.statusCode() == 200) {
                synchronized (streams) {
                    streams.add(response);
                }
            }
            return response.statusCode();
        });
    }

    /** A long-poll that waits (nothing newer than offset 0 of a channel never published). */
    CompletableFuture<HttpResponse<String>> poll(String channel) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/channels/" + channel + "/events?epoch=&since=0&wait=30"))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    void closeAll() {
        synchronized (sockets) {
            sockets.forEach(s -> s.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            sockets.clear();
        }
        synchronized (streams) {
            for (HttpResponse<InputStream> s : streams) {
                try {
                    s.body().close();
                } catch (Exception e) {
                    // already closed
                }
            }
            streams.clear();
        }
    }

    @Test
    void concurrentWebSocketUpgradesBeyondTheCapAdmitExactlyTheCap() throws Exception {
        try {
            List<CompletableFuture<Integer>> opens = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                opens.add(openWebSocket());
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> open : opens) {
                statuses.add(open.get(20, TimeUnit.SECONDS));
            }
            assertThat(statuses.stream().filter(s -> s == 101).count()).isEqualTo(CAP);
            assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(60 - CAP);
            assertThat(cap.held(ADDRESS)).isEqualTo(CAP);
        } finally {
            closeAll();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cap.held(ADDRESS) == 0);
    }

    @Test
    void webSocketsSseStreamsAndWaitingLongPollsShareOneCap() throws Exception {
        String channel = Channels.unique("recipes");
        List<CompletableFuture<Integer>> opens = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        try {
            // Opened all at once: 20 of each transport from one address.
            for (int i = 0; i < 20; i++) {
                opens.add(openWebSocket());
                opens.add(openSse(channel));
                polls.add(poll(channel));
            }
            // Every refusal answers at once; what was admitted stays open (or waits). An overshoot
            // would leave fewer than 60 - CAP refusals, and this wait would time out.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> refusals(opens, polls) >= 60 - CAP);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> opens.stream().allMatch(CompletableFuture::isDone));
            Thread.sleep(500);
            long admitted = opens.stream().filter(f -> f.join() != 429).count() + polls.stream().filter(f -> !f.isDone()).count();
            assertThat(refusals(opens, polls)).isEqualTo(60 - CAP);
            assertThat(admitted).isEqualTo(CAP);
            assertThat(cap.held(ADDRESS)).isEqualTo(CAP);
            HttpResponse<String> refusal = polls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
                    .filter(r -> r.statusCode() == 429).findFirst().orElse(null);
            if (refusal != null) {
                assertThat(refusal.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(refusal.headers().firstValue("Retry-After")).isPresent();
                assertThat(refusal.body()).contains("\"code\":\"rate_limited\"");
            }
            // The waiting polls answer once an event comes, and give their places back.
            long waiting = polls.stream().filter(f -> !f.isDone()).count();
            publisher.publish(channel, CloudEvent.of("/test", "test-event", null, "wake")).await().atMost(Duration.ofSeconds(10));
            for (CompletableFuture<HttpResponse<String>> p : polls) {
                HttpResponse<String> answer = p.get(20, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).isIn(200, 429);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cap.held(ADDRESS) == CAP - waiting);
            assertThat(openSse(channel).get(10, TimeUnit.SECONDS)).isEqualTo(waiting > 0 ? 200 : 429);
        } finally {
            closeAll();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cap.held(ADDRESS) == 0);
    }

    static long refusals(List<CompletableFuture<Integer>> opens, List<CompletableFuture<HttpResponse<String>>> polls) {
        return opens.stream().filter(CompletableFuture::isDone).filter(f -> f.join() == 429).count()
                + polls.stream().filter(CompletableFuture::isDone).filter(f -> f.join().statusCode() == 429).count();
    }

    @Test
    void connectionsThatDieDuringTheHandshakeGiveTheirPlaceBack() throws Exception {
        for (int i = 0; i < 3 * CAP; i++) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /ws HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (i % 2 == 0) {
                    socket.getInputStream().read(); // half of them see the 101 first, then vanish
                }
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> cap.held(ADDRESS) == 0);
        try {
            for (int i = 0; i < CAP; i++) {
                assertThat(openWebSocket().get(10, TimeUnit.SECONDS)).isEqualTo(101);
            }
            assertThat(openWebSocket().get(10, TimeUnit.SECONDS)).isEqualTo(429);
        } finally {
            closeAll();
        }
    }
}
