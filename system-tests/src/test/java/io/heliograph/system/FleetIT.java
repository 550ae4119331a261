package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;

/**
 * A fleet on loopback (3 gateways, 2 relays, 2 fetchers), clients spread over the gateways, a
 * steady publish through both relays, and one gateway killed mid-run: its clients reconnect to
 * the others, resume with {@code since}, and every acknowledged event reaches every client once,
 * in order.
 */
class FleetIT {

    static final String KEY = "fleet-" + UUID.randomUUID();
    static final int EVENTS = 80;

    /** A client that follows one channel across gateways, as heliograph.js does. */
    static final class Follower {
        final String channel;
        WsClient ws;
        String epoch;
        final List<Long> offsets = new ArrayList<>();

        Follower(String channel, ServiceProcess gateway) {
            this.channel = channel;
            connect(gateway, null);
        }

        void connect(ServiceProcess gateway, Long since) {
            ws = Services.ws(gateway);
            ws.next(); // welcome
            Map<String, Object> subscribe = since == null ? Map.of("op", "subscribe", "channel", channel)
                    : Map.of("op", "subscribe", "channel", channel, "since", Map.of("epoch", epoch, "offset", since));
            long id = ws.send(subscribe);
            JsonNode reply = ws.await(f -> f.path("id").asLong(-1) == id);
            assertThat(reply.path("op").asText()).as(reply.toString()).isEqualTo("subscribed");
            if (since != null) {
                assertThat(reply.path("recovered").asBoolean()).as("resumed without loss").isTrue();
            }
            epoch = reply.path("epoch").asText();
        }

        void take(JsonNode frame) {
            if (frame.path("op").asText().equals("event") && frame.path("channel").asText().equals(channel)) {
                offsets.add(frame.path("offset").asLong());
                epoch = frame.path("epoch").asText(); // a channel never published had epoch "" at subscribe
            }
        }

        long last() {
            return offsets.isEmpty() ? 0 : offsets.get(offsets.size() - 1);
        }

        /** Everything the dead connection had received, then resume on another gateway. */
        void failOver(ServiceProcess gateway) {
            ws.awaitClose();
            ws.drain(Duration.ofMillis(200)).forEach(this::take);
            ws.close();
            connect(gateway, last());
        }

        void readUntil(long offset) {
            while (last() < offset) {
                take(ws.next());
            }
        }
    }

    @Test
    void killingAGatewayLosesNoAcknowledgedEvent() throws Exception {
        String channel = "recipes.fleet" + UUID.randomUUID().toString().substring(0, 8);
        List<ServiceProcess> all = new ArrayList<>();
        try {
            List<ServiceProcess> gateways = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                gateways.add(start(all, "gateway-service", "fleet-gateway-" + i, ServiceProcess.env("HELIOGRAPH_NODE_ID", "fleet-gateway-" + i)));
            }
            List<ServiceProcess> relays = List.of(
                    start(all, "pubsub-relay", "fleet-relay-1", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", KEY)),
                    start(all, "pubsub-relay", "fleet-relay-2", ServiceProcess.env("HELIOGRAPH_RELAY_PUBLISHER_KEY", KEY)));
            start(all, "fetcher-service", "fleet-fetcher-1", ServiceProcess.env("FETCHER_MODE", "simulated"));
            start(all, "fetcher-service", "fleet-fetcher-2", ServiceProcess.env("FETCHER_MODE", "simulated"));

            List<Follower> followers = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                followers.add(new Follower(channel, gateways.get(i % 3)));
            }
            ServiceProcess victim = gateways.get(1);

            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<List<Long>> publishing = CompletableFuture.supplyAsync(() -> {
                List<Long> acked = new ArrayList<>();
                for (int i = 1; i <= EVENTS; i++) {
                    ServiceProcess relay = relays.get(i % 2);
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(relay.uri().resolve("/api/events"))
                                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel
                                        + "\",\"type\":\"recipe:created\",\"data\":{\"i\":" + i + "}}"))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 202) {
                            acked.add(WsClient.MAPPER.readTree(response.body()).path("offset").asLong());
                        }
                        Thread.sleep(40);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return acked;
            });
            Thread.sleep(1500);
            victim.kill(); // SIGKILL mid-run: a crash, not a drain
            List<Long> acked = publishing.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(acked).hasSize(EVENTS);
            long lastAcked = acked.stream().mapToLong(Long::longValue).max().orElseThrow();

            for (int i = 0; i < followers.size(); i++) {
                Follower follower = followers.get(i);
                if (i % 3 == 1) {
                    follower.failOver(gateways.get(i % 2 == 0 ? 0 : 2));
                }
                follower.readUntil(lastAcked);
                assertThat(follower.offsets).as("client %d sees every acknowledged offset once, in order", i)
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, lastAcked).boxed().toList());
                follower.ws.close();
            }
        } finally {
            for (int i = all.size() - 1; i >= 0; i--) {
                all.get(i).close();
            }
        }
    }

    private static ServiceProcess start(List<ServiceProcess> all, String module, String name, Map<String, String> env) {
        ServiceProcess process = Services.start(module, name, env);
        all.add(process);
        return process;
    }
}
