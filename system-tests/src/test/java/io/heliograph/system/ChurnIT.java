package io.heliograph.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.heliograph.testkit.Churn;
import io.heliograph.testkit.ServiceProcess;

/**
 * A busy chat over two packaged gateways: for a minute, hundreds of clients at once connect,
 * subscribe (presence rooms and plain channels) and leave at random moments, many while their
 * subscribe is still in flight, half of them by resetting TCP. Afterwards nothing of them is
 * left: no presence entry, no Redis subscription, nothing in {@code /api/stats}, and each
 * gateway's live heap is back within 2 MB of what it was before.
 */
class ChurnIT {

    static final int CLIENTS = 200;
    static final int SESSIONS_PER_SECOND = 150;
    static final Duration WARM_UP = Duration.ofSeconds(10);
    static final Duration CHURN = Duration.ofSeconds(60);
    /** Leaves are written when the connection goes, so this is only the time for the last few to land. */
    static final Duration CLEAN_WITHIN = Duration.ofSeconds(5);
    static final long HEAP_SLACK = 2L * 1024 * 1024;

    @Test
    void clientsComingAndGoingAtRandomLeaveNothingBehind() throws Exception {
        CompletableFuture<ServiceProcess> starting = CompletableFuture.supplyAsync(
                () -> Services.start("gateway-service", "it-churn-gw1", ServiceProcess.env()));
        try (ServiceProcess second = Services.start("gateway-service", "it-churn-gw2", ServiceProcess.env());
                ServiceProcess first = starting.join()) {
            List<ServiceProcess> gateways = List.of(first, second);
            var uris = gateways.stream().map(ServiceProcess::uri).toList();
            String run = UUID.randomUUID().toString().substring(0, 8);

            // Warm-up on other channels: first-use allocations (classes, JIT, pools) are not leaks.
            List<String> warmUp = Churn.channels(run + "w", 3, 3);
            Churn.run(new Churn.Plan(uris, warmUp, CLIENTS, SESSIONS_PER_SECOND, WARM_UP, 1));
            assertThat(Churn.awaitNoLeaks(ServiceProcess.REDIS_URL, warmUp, uris, CLEAN_WITHIN)).isEmpty();
            Map<String, Long> pids = Map.of(first.name(), first.process().pid(), second.name(), second.process().pid());
            Map<String, Long> before = Churn.liveHeaps(pids);

            List<String> channels = Churn.channels(run, 5, 5);
            Churn.Tally tally = Churn.run(new Churn.Plan(uris, channels, CLIENTS, SESSIONS_PER_SECOND, CHURN, 2));
            System.out.println("ChurnIT: " + tally);
            assertThat(tally.sessions()).as(tally.toString()).isGreaterThan(CHURN.toSeconds() * SESSIONS_PER_SECOND / 2);
            assertThat(tally.midSubscribe()).as(tally.toString()).isGreaterThan(tally.sessions() / 3);
            assertThat(tally.failed() + tally.refused()).as(tally.toString()).isLessThan(tally.sessions() / 100);

            List<String> leaks = Churn.awaitNoLeaks(ServiceProcess.REDIS_URL, channels, uris, CLEAN_WITHIN);
            assertThat(leaks).as("left behind after " + CLEAN_WITHIN).isEmpty();

            Map<String, Long> after = Churn.liveHeaps(pids);
            System.out.println("ChurnIT: live heap before " + before + ", after " + after);
            for (String gateway : pids.keySet()) {
                assertThat(after.get(gateway) - before.get(gateway)).as(gateway + " live heap growth (bytes)").isLessThan(HEAP_SLACK);
            }
        }
    }
}
