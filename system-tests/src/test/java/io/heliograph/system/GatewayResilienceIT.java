package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.Published;
import io.heliograph.core.publish.RedisEventPublisher;
import io.heliograph.testkit.RedisServer;
import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/** The gateway as a process: Redis restarts, SIGTERM drain, and the launcher's dev tokens. */
class GatewayResilienceIT {

    static final Duration WAIT = Duration.ofSeconds(15);

    static RedisEventPublisher publisher(Vertx vertx, String url) {
        return new RedisEventPublisher(Redis.createClient(vertx, url),
                new Namespaces(Map.of("recipes", new NamespacePolicy("recipes", 100, false, false, false, false))),
                new ObjectMapper(), new RedisEventPublisher.Settings(Duration.ofHours(1), 65536, false, Duration.ofSeconds(3)));
    }

    static Published publishWithRetry(RedisEventPublisher publisher, String channel, int i) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return publisher.publish(channel, CloudEvent.of("/it", "test-event", null, i)).await().atMost(WAIT);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    static void awaitNotReady(ServiceProcess gateway) throws InterruptedException {
        long deadline = System.nanoTime() + Services.WAIT.toNanos();
        while (gateway.status("/q/health/ready") != 503 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(gateway.status("/q/health/ready")).as("readiness while Redis is away").isEqualTo(503);
    }

    @Test
    void clientsGetEveryEventAfterARedisRestart() throws Exception {
        String channel = "recipes.it" + UUID.randomUUID().toString().substring(0, 8);
        Vertx vertx = Vertx.vertx();
        try (RedisServer redis = new RedisServer(true);
                ServiceProcess gateway = Services.start("gateway-service", "it-resilience-gw",
                        ServiceProcess.env("QUARKUS_REDIS_HOSTS", redis.url()));
                WsClient ws = Services.ws(gateway)) {
            RedisEventPublisher publisher = publisher(vertx, redis.url());
            ws.next();
            ws.subscribe(channel);
            for (int i = 1; i <= 5; i++) {
                publishWithRetry(publisher, channel, i);
            }
            for (int i = 1; i <= 5; i++) {
                assertThat(ws.next().path("offset").asLong()).isEqualTo(i);
            }
            redis.stop();
            // While Redis is unreachable the gateway is not ready, so a load balancer routes around it.
            awaitNotReady(gateway);
            redis.start();
            // Published as soon as Redis answers, possibly before the gateway has resubscribed:
            // those are the frames the gateway must recover from history itself.
            for (int i = 6; i <= 15; i++) {
                publishWithRetry(publisher, channel, i);
            }
            for (int i = 6; i <= 15; i++) {
                JsonNode frame = ws.next();
                assertThat(frame.path("op").asText()).as(frame.toString()).isEqualTo("event");
                assertThat(frame.path("offset").asLong()).isEqualTo(i);
            }
        } finally {
            vertx.closeAndAwait();
        }
    }

    /**
     * A node that just started, or whose Redis is coming back, has no subscriber connection yet:
     * a client arriving then is subscribed once the connection is up, not refused, and gets live
     * events from then on (before, it got {@code unavailable} and a browser gave the channel up).
     */
    @Test
    void aSubscribeWhileTheSubscriberConnectionIsDownWaitsForIt() throws Exception {
        String channel = "recipes.it" + UUID.randomUUID().toString().substring(0, 8);
        Vertx vertx = Vertx.vertx();
        try (RedisServer redis = new RedisServer(true);
                ServiceProcess gateway = Services.start("gateway-service", "it-early-subscribe-gw",
                        ServiceProcess.env("QUARKUS_REDIS_HOSTS", redis.url(),
                                "HELIOGRAPH_GATEWAY_REDIS_RECONNECT_CAP", "300ms",
                                "HELIOGRAPH_GATEWAY_REDIS_SUBSCRIBE_TIMEOUT", "20s"))) {
            RedisEventPublisher publisher = publisher(vertx, redis.url());
            redis.stop();
            awaitNotReady(gateway);
            try (WsClient ws = Services.ws(gateway)) {
                ws.next();
                long id = ws.send(Map.of("op", "subscribe", "channel", channel));
                List<JsonNode> early = ws.drain(Duration.ofSeconds(1));
                assertThat(early).as("nothing answered while Redis is away").isEmpty();
                redis.start();
                JsonNode reply = ws.await(f -> f.path("id").asLong(-1) == id);
                assertThat(reply.path("op").asText()).as(reply.toString()).isEqualTo("subscribed");
                Published published = publishWithRetry(publisher, channel, 1);
                JsonNode event = ws.next();
                assertThat(event.path("op").asText()).as(event.toString()).isEqualTo("event");
                assertThat(event.path("offset").asLong()).isEqualTo(published.offset());
            }
        } finally {
            vertx.closeAndAwait();
        }
    }

    @Test
    void whenRedisLostItsDataClientsAreToldToResubscribe() throws Exception {
        String channel = "recipes.it" + UUID.randomUUID().toString().substring(0, 8);
        Vertx vertx = Vertx.vertx();
        try (RedisServer redis = new RedisServer(false);
                ServiceProcess gateway = Services.start("gateway-service", "it-amnesia-gw",
                        ServiceProcess.env("QUARKUS_REDIS_HOSTS", redis.url()));
                WsClient ws = Services.ws(gateway)) {
            RedisEventPublisher publisher = publisher(vertx, redis.url());
            ws.next();
            ws.subscribe(channel);
            Published before = publishWithRetry(publisher, channel, 1);
            assertThat(ws.next().path("offset").asLong()).isEqualTo(1);
            redis.stop();
            redis.start();
            JsonNode told = ws.await(f -> !f.path("op").asText().equals("event"));
            assertThat(told.path("op").asText()).isEqualTo("resubscribe");
            assertThat(told.path("channel").asText()).isEqualTo(channel);
            long id = ws.send(Map.of("op", "subscribe", "channel", channel,
                    "since", Map.of("epoch", before.epoch(), "offset", before.offset())));
            JsonNode resubscribed = ws.await(f -> f.path("id").asLong(-1) == id);
            assertThat(resubscribed.path("recovered").asBoolean()).isFalse();
            assertThat(resubscribed.path("epoch").asText()).isNotEqualTo(before.epoch());
            Published after = publishWithRetry(publisher, channel, 2);
            JsonNode event = ws.next();
            assertThat(event.path("epoch").asText()).isEqualTo(after.epoch());
            assertThat(event.path("offset").asLong()).isEqualTo(after.offset());
        } finally {
            vertx.closeAndAwait();
        }
    }

    @Test
    void sigtermDrainsEveryClientWith1012AndExits() {
        ServiceProcess gateway = Services.start("gateway-service", "it-drain-gw",
                ServiceProcess.env("HELIOGRAPH_GATEWAY_DRAIN_WINDOW", "2s"));
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                WsClient ws = Services.ws(gateway);
                ws.next();
                clients.add(ws);
            }
            gateway.process().destroy(); // SIGTERM
            for (WsClient ws : clients) {
                assertThat(ws.awaitClose()).isEqualTo(1012);
            }
            try {
                assertThat(gateway.process().waitFor(30, TimeUnit.SECONDS)).as("gateway exited").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(gateway.tail()).contains("draining 20 connections");
        } finally {
            clients.forEach(WsClient::close);
            gateway.close();
        }
    }

    @Test
    void theLaunchersDevTokenOpensTheUsersPrivateChannel() throws Exception {
        // The launcher signs with this checkout's generated pair (.heliograph/jwt), creating it on first use.
        Process token = new ProcessBuilder(ServiceProcess.ROOT.resolve("heliograph").toString(), "token", "it-user", "--ttl", "120")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String jwt;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(token.getInputStream()))) {
            jwt = out.readLine();
        }
        assertThat(token.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(token.exitValue()).as(jwt).isZero();
        String launcherKey = "file:" + ServiceProcess.ROOT.resolve(".heliograph/jwt/publicKey.pem");
        try (ServiceProcess gateway = Services.start("gateway-service", "it-token-gw",
                ServiceProcess.env("MP_JWT_VERIFY_PUBLICKEY_LOCATION", launcherKey));
                WsClient ws = Services.ws(gateway, "/ws?access_token=" + jwt)) {
            ws.next();
            assertThat(ws.subscribe("user.it-user").path("op").asText()).isEqualTo("subscribed");
            assertThat(ws.subscribe("user.someone-else").path("code").asText()).isEqualTo("forbidden");
        }
    }
}
