package io.heliograph.relay.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.relay.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A burst of 256 concurrent publishers on keep-alive connections, as a few busy backends produce: with the
 * shared Redis client configuration of heliograph-core nothing is refused while Redis is healthy.
 */
@QuarkusTest
class ConcurrentPublishersTest {

    static final int PUBLISHERS = 256;
    static final int EACH = 16;

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/api/events")
    URI events;

    @Test
    void everyRequestIsAcceptedAndEveryEventIsInTheHistoryExactlyOnce() throws Exception {
        String channel = Channels.fresh("load");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> publishers = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                publishers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < EACH; i++) {
                        // Half the events carry their own id, so the idempotency records are under load too.
                        String id = i % 2 == 0 ? ",\"id\":\"p" + publisher + "-" + i + "\"" : "";
                        String body = "{\"channel\":\"" + channel + "\",\"type\":\"load\",\"data\":{\"p\":" + publisher
                                + ",\"i\":" + i + "}" + id + "}";
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(events)
                                .header("Authorization", "Bearer " + Channels.LOAD_KEY)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> publisher : publishers) {
                publisher.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(new TreeMap<>(statuses)).containsExactly(Map.entry(202, PUBLISHERS * EACH));
        List<JsonNode> history = Channels.history(redis, channel);
        Map<String, Long> copies = history.stream().map(f -> f.path("event").path("data"))
                .collect(Collectors.groupingBy(d -> d.path("p").asInt() + "/" + d.path("i").asInt(),
                        Collectors.counting()));
        assertThat(copies).hasSize(PUBLISHERS * EACH);
        assertThat(copies.values()).allMatch(n -> n == 1);
        assertThat(history).extracting(f -> f.path("offset").asLong())
                .containsExactlyElementsOf(history.stream().map(f -> f.path("offset").asLong()).sorted().toList())
                .doesNotHaveDuplicates();
        assertThat(history.stream().map(f -> f.path("epoch").asText()).collect(Collectors.toSet())).hasSize(1);
        // Each publisher's events keep the order it sent them in.
        Map<Integer, List<Integer>> order = history.stream().map(f -> f.path("event").path("data"))
                .collect(Collectors.groupingBy(d -> d.path("p").asInt(),
                        Collectors.mapping(d -> d.path("i").asInt(), Collectors.toList())));
        assertThat(order.values()).allSatisfy(seen -> assertThat(seen).isSorted());
    }
}
