package io.heliograph.fetcher.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.heliograph.fetcher.testing.Fetchers;
import io.heliograph.fetcher.testing.ItBackends;
import io.heliograph.fetcher.testing.StubApis;
import io.heliograph.testkit.ServiceProcess;
import io.vertx.mutiny.redis.client.Response;

/**
 * Two packaged fetchers sharing one Redis and one set of (stubbed) APIs: only the lock holder
 * calls the APIs, one set of calls per interval; when it is killed the other takes over; when that
 * one shuts down it hands the lock back.
 */
class FetcherFleetIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String PREFIX = "it-" + RUN + ":";
    static final String LOCK_KEY = PREFIX + "fetcher:lock";
    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ItBackends BACKENDS = new ItBackends();

    @AfterAll
    static void deleteKeys() {
        if (BACKENDS.redis() != null) {
            BACKENDS.redis().del(List.of(LOCK_KEY, PREFIX + "crypto:dashboard-summary"))
                    .await().atMost(Duration.ofSeconds(10));
        }
    }

    static ServiceProcess startFetcher(String id) throws Exception {
        return Fetchers.start(id, Map.ofEntries(
                Map.entry("heliograph.fetcher.mode", "live"),
                Map.entry("heliograph.fetcher.instance-id", id),
                Map.entry("heliograph.fetcher.redis-key-prefix", PREFIX),
                Map.entry("heliograph.fetcher.channels.summary", "crypto.summary-" + RUN),
                Map.entry("heliograph.fetcher.channels.price-prefix", "prices.it" + RUN + "-"),
                Map.entry("heliograph.fetcher.summary-interval", "3s"),
                Map.entry("heliograph.fetcher.tick-every", "1s"),
                Map.entry("heliograph.fetcher.lock.ttl", "3s"),
                Map.entry("quarkus.redis.hosts", ItBackends.REDIS_URL),
                Map.entry("quarkus.rest-client.coingecko.url", BACKENDS.apis().baseUrl()),
                Map.entry("quarkus.rest-client.feargreed.url", BACKENDS.apis().baseUrl()),
                Map.entry("quarkus.rest-client.taapi.url", BACKENDS.apis().baseUrl()),
                Map.entry("quarkus.rest-client.twelvedata.url", BACKENDS.apis().baseUrl())));
    }

    static String holder() {
        Response value = BACKENDS.redis().get(LOCK_KEY).await().atMost(Duration.ofSeconds(10));
        return value == null ? null : value.toString().substring(0, value.toString().indexOf(':'));
    }

    static List<String> callers(String path) {
        return BACKENDS.apis().requests(path).stream().map(FetcherFleetIT::callerOf).toList();
    }

    static String callerOf(LoggedRequest request) {
        String agent = request.getHeader("User-Agent");
        return agent.substring(agent.indexOf('(') + 1, agent.indexOf(')'));
    }

    @Test
    void onlyTheLockHolderCallsTheApisAndTheOtherTakesOverWhenItDies() throws Exception {
        try (ServiceProcess a = startFetcher("fleet-a"); ServiceProcess b = startFetcher("fleet-b")) {
            // Both run; one holds the lock and makes every call: 4 intervals' worth.
            await().atMost(WAIT).until(() -> BACKENDS.apis().count(StubApis.GLOBAL) >= 4);
            String first = holder();
            assertThat(first).isIn("fleet-a", "fleet-b");
            for (String path : List.of(StubApis.GLOBAL, StubApis.SIMPLE_PRICE, StubApis.FEAR_GREED)) {
                assertThat(callers(path)).as(path).containsOnly(first);
            }
            // One set of calls per interval: every endpoint was called as often as the others (one may be in flight).
            int global = BACKENDS.apis().count(StubApis.GLOBAL);
            assertThat(BACKENDS.apis().count(StubApis.SIMPLE_PRICE)).isBetween(global - 1, global + 1);
            assertThat(BACKENDS.apis().count(StubApis.FEAR_GREED)).isBetween(global - 1, global + 1);
            assertThat(BACKENDS.apis().count(StubApis.RSI)).as("no TAAPI secret, no TAAPI calls").isZero();

            // The holder dies without a word: its lease expires and the other replica takes the next tick.
            ServiceProcess holderProcess = first.equals("fleet-a") ? a : b;
            ServiceProcess survivorProcess = first.equals("fleet-a") ? b : a;
            String survivor = first.equals("fleet-a") ? "fleet-b" : "fleet-a";
            holderProcess.kill();
            int beforeFailover = BACKENDS.apis().count(StubApis.GLOBAL);
            await().atMost(WAIT).until(() -> survivor.equals(holder()));
            await().atMost(WAIT).until(() -> BACKENDS.apis().count(StubApis.GLOBAL) >= beforeFailover + 2);
            List<String> afterFailover = callers(StubApis.GLOBAL)
                    .subList(beforeFailover, BACKENDS.apis().count(StubApis.GLOBAL));
            assertThat(afterFailover).containsOnly(survivor);
            assertThat(survivorProcess.log()).contains(survivor + " holds the fleet lock");

            // A clean shutdown gives the lock back at once (compare-and-delete) instead of letting it expire.
            assertThat(survivorProcess.stop()).isTrue();
            assertThat(holder()).isNull();
        }
    }
}
