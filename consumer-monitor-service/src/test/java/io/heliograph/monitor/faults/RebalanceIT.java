package io.heliograph.monitor.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Load;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.ServiceProcess;

/**
 * A second instance joining the group in the middle of a stream (real broker): the partitions are shared out
 * again while records flow, and every record is still counted exactly once and ends in one terminal state.
 */
class RebalanceIT {

    private static final int PER_SECOND = 300;
    /** Records sent once the second instance holds partitions: both work on them. */
    private static final int AFTER_JOIN = 3000;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aSecondInstanceJoiningMidStreamCountsNothingTwice() throws Exception {
        MonitorRun run = MonitorRun.create(4);
        try (Frames events = run.subscribeEvents();
                ServiceProcess first = run.start("it-first");
                Load load = Load.untilStopped(run.bootstrap(), run.topic(), PER_SECOND)) {
            await().atMost(WAIT).until(() -> Load.finished(first.getJson("/api/stats")) >= 1000);
            // Records keep flowing while the second instance starts and the partitions move.
            try (ServiceProcess second = run.start("it-second")) {
                await().atMost(WAIT).until(() -> holdsPartitions(first, "it-second") && holdsPartitions(first, "it-first"));
                int records = load.stopAfter(AFTER_JOIN);
                load.awaitSent(WAIT);
                await().atMost(WAIT).until(() -> Load.finished(first.getJson("/api/stats")) >= records);
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                load.assertCounted(second.getJson("/api/stats"));
                load.assertOneTerminalStateEach(events);

                Set<String> finishers = events.matching(f -> Frames.type(f).equals("processing-completed")).stream()
                        .map(f -> f.path("event").path("data").path("consumerId").asText()).collect(Collectors.toSet());
                assertThat(finishers).as("both instances processed records").contains("it-first", "it-second");
                System.out.printf("rebalance: %d records, %d terminal frames%n", records, events.terminalFrames());
            }
        }
    }

    private static boolean holdsPartitions(ServiceProcess from, String consumerId) {
        for (JsonNode c : from.getJson("/api/consumers")) {
            if (consumerId.equals(c.path("consumerId").asText()) && "ACTIVE".equals(c.path("status").asText())) {
                return c.path("partitions").size() > 0;
            }
        }
        return false;
    }
}
