package io.heliograph.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.RedisEventPublisher;
import io.heliograph.gateway.protocol.FramePosition;
import io.heliograph.gateway.support.RawWebSocket;
import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/**
 * Issue 20 as an attacker would try it, against the packaged gateway at the launcher's heap
 * ({@code ./heliograph up} runs it with {@code -Xms64m -Xmx512m}): 500 clients subscribe and stop
 * reading while 50 others keep reading, and 2 KB events are published at 200/s for 20 s.
 */
class SlowConsumersIT {

    static final int STALLED = 500;
    static final int READERS = 50;
    static final int EVENTS = 4_000; // 20 s at 200/s
    static final long PERIOD_NANOS = 5_000_000;
    static final Duration HEALTH_DEADLINE = Duration.ofSeconds(1);
    /** How long after the first event every stalled client must have been closed with 4009. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void stalledClientsAreClosedWith4009WhileReadersGetEverythingAndTheNodeStaysLive() throws Exception {
        String channel = "recipes.it" + UUID.randomUUID().toString().substring(0, 8);
        String pad = "x".repeat(1_800);
        Vertx vertx = Vertx.vertx();
        List<RawWebSocket> stalled = new ArrayList<>();
        List<WsClient> readers = new ArrayList<>();
        try (ServiceProcess gateway = ServiceProcess.of("gateway-service").name("it-slow-consumers-gw")
                .jvmArgs("-Xms64m", "-Xmx512m").gracefulClose(Duration.ofSeconds(15))
                .missingJarHint("run `mvn package` first").start()) {
            RedisEventPublisher publisher = new RedisEventPublisher(Redis.createClient(vertx, ServiceProcess.REDIS_URL),
                    new Namespaces(Map.of("recipes", new NamespacePolicy("recipes", 100, false, false, false, false))),
                    new ObjectMapper(), new RedisEventPublisher.Settings(Duration.ofHours(1), 65536, false, Duration.ofSeconds(3)));
            assertThat(gateway.log()).contains("outbound memory bound:");
            long baseline = heapAfterFullGc(gateway);

            for (int i = 0; i < READERS; i++) {
                WsClient ws = WsClient.connect(gateway.uri(), "/ws", Map.of(), Duration.ofSeconds(15));
                readers.add(ws);
                ws.next();
                assertThat(ws.subscribe(channel).path("op").asText()).isEqualTo("subscribed");
            }
            for (int i = 0; i < STALLED; i++) {
                RawWebSocket raw = new RawWebSocket(gateway.uri());
                stalled.add(raw);
                raw.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + channel + "\"}");
            }
            awaitStat(gateway, "subscriptions", n -> n >= STALLED + READERS, Duration.ofSeconds(30));
            long slowBefore = stats(gateway).path("slowConsumerCloses").asLong();

            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch readersDone = new CountDownLatch(READERS);
            for (WsClient ws : readers) {
                daemon(() -> {
                    long expected = 1;
                    try {
                        while (expected <= EVENTS) {
                            String frame = ws.nextRaw();
                            FramePosition position = FramePosition.of(frame);
                            if (!position.isEvent()) {
                                continue;
                            }
                            if (position.offset() != expected) {
                                failures.add("reader got offset " + position.offset() + " where " + expected + " was due");
                                return;
                            }
                            expected++;
                        }
                    } catch (Throwable t) {
                        failures.add("reader failed at offset " + expected + " (closed: "
                                + (ws.isClosed() ? ws.awaitClose() : "no") + "): " + t);
                    } finally {
                        readersDone.countDown();
                    }
                });
            }

            AtomicLong slowestHealthMillis = new AtomicLong();
            ConcurrentLinkedQueue<String> healthFailures = new ConcurrentLinkedQueue<>();
            Thread health = daemon(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    for (String path : List.of("/q/health/live", "/q/health/ready")) {
                        long started = System.nanoTime();
                        int status = status(gateway.uri().resolve(path));
                        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                        slowestHealthMillis.accumulateAndGet(millis, Math::max);
                        if (status != 200) {
                            healthFailures.add(path + " answered " + status + " after " + millis + " ms");
                        }
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            long started = System.nanoTime();
            long allClosedAfter = -1;
            for (int i = 1; i <= EVENTS; i++) {
                publisher.publish(channel, CloudEvent.of("/it", "bulk", null, Map.of("i", i, "pad", pad)))
                        .await().atMost(Duration.ofSeconds(5));
                if (allClosedAfter < 0 && i % 100 == 0
                        && stats(gateway).path("slowConsumerCloses").asLong() - slowBefore >= STALLED) {
                    allClosedAfter = System.nanoTime() - started;
                }
                long sleep = started + i * PERIOD_NANOS - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            long publishedFor = System.nanoTime() - started;

            assertThat(readersDone.await(30, TimeUnit.SECONDS)).as("readers finished; failures: %s", failures).isTrue();
            assertThat(failures).as("every reading client gets every event in order").isEmpty();
            if (allClosedAfter < 0) {
                awaitStat(gateway, "slowConsumerCloses", n -> n - slowBefore >= STALLED,
                        CLOSE_DEADLINE.minusNanos(Math.min(CLOSE_DEADLINE.toNanos(), System.nanoTime() - started)));
                allClosedAfter = System.nanoTime() - started;
            }
            health.interrupt();
            health.join();
            JsonNode after = stats(gateway);
            assertThat(after.path("slowConsumerCloses").asLong() - slowBefore).as("closed with 4009").isEqualTo(STALLED);
            assertThat(after.path("connectedClients").asInt()).isEqualTo(READERS);
            assertThat(healthFailures).as("liveness and readiness during the run").isEmpty();
            assertThat(slowestHealthMillis.get()).as("slowest health answer, ms").isLessThan(HEALTH_DEADLINE.toMillis());

            // The stalled clients read again: each finds its socket closed by the server.
            int sawCloseFrame = 0;
            for (RawWebSocket raw : stalled) {
                int code = raw.readUntilClosed(10_000);
                assertThat(code).as("how a stalled client's connection ended").isIn(4009, 1006);
                if (code == 4009) {
                    sawCloseFrame++;
                }
            }
            System.out.printf("SlowConsumersIT: %d events in %d ms; all %d stalled clients closed with 4009 within %d ms"
                    + " (%d saw the close frame, the others had it queued behind what they did not read);"
                    + " slowest health answer %d ms%n", EVENTS, TimeUnit.NANOSECONDS.toMillis(publishedFor), STALLED,
                    TimeUnit.NANOSECONDS.toMillis(allClosedAfter), sawCloseFrame, slowestHealthMillis.get());
            assertThat(allClosedAfter).isLessThan(CLOSE_DEADLINE.toNanos());

            readers.forEach(WsClient::close);
            awaitStat(gateway, "connectedClients", n -> n == 0, Duration.ofSeconds(20));
            long heap = heapAfterFullGc(gateway);
            System.out.printf("SlowConsumersIT: heap after full GC %d KiB, baseline %d KiB%n", heap >> 10, baseline >> 10);
            assertThat(heap).as("heap after a full GC, baseline %d", baseline).isLessThan(baseline + 16L * 1024 * 1024);
            assertThat(gateway.process().isAlive()).isTrue();
        } finally {
            for (RawWebSocket raw : stalled) {
                raw.close();
            }
            vertx.closeAndAwait();
        }
    }

    static Thread daemon(Runnable body) {
        Thread thread = new Thread(body);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(HEALTH_DEADLINE).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static JsonNode stats(ServiceProcess gateway) {
        return gateway.getJson("/api/stats");
    }

    static void awaitStat(ServiceProcess gateway, String field, java.util.function.LongPredicate done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = stats(gateway).path(field).asLong();
            if (done.test(last)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(field + " still " + last + " after " + timeout);
    }

    /** Heap in use after a full collection, as {@code jcmd GC.run} and the JVM's own heap gauges see it. */
    static long heapAfterFullGc(ServiceProcess gateway) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, Long.toString(gateway.process().pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        assertThat(gc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long used = 0;
        for (String line : gateway.getText("/q/metrics").split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertThat(used).isPositive();
        return used;
    }
}
