package io.heliograph.monitor.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Load;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.ServiceProcess;

/**
 * A second instance joining the group in the middle of a stream (real broker): the partitions are shared out
 * again while records flow, and every record is still counted exactly once and ends in one terminal state.
 */
class RebalanceIT {

    /** A stream of about a minute, so that it still flows when the second instance has started. */
    private static final int RECORDS = 9000;
    private static final int PER_SECOND = 150;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aSecondInstanceJoiningMidStreamCountsNothingTwice() throws Exception {
        MonitorRun run = MonitorRun.create(4);
        try (Frames events = run.subscribeEvents();
                ServiceProcess first = run.start("it-first");
                Load load = Load.start(run.bootstrap(), run.topic(), RECORDS, PER_SECOND)) {
            await().atMost(WAIT).until(() -> Load.finished(first.getJson("/api/stats")) >= 1000);
            try (ServiceProcess second = run.start("it-second")) {
                assertThat(load.acked()).as("records still to come when the second instance joined").isLessThan(RECORDS);
                load.awaitSent(WAIT);
                await().atMost(WAIT).until(() -> Load.finished(first.getJson("/api/stats")) >= RECORDS);
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                load.assertCounted(second.getJson("/api/stats"));
                load.assertOneTerminalStateEach(events);

                Set<String> finishers = events.matching(f -> Frames.type(f).equals("processing-completed")).stream()
                        .map(f -> f.path("event").path("data").path("consumerId").asText()).collect(Collectors.toSet());
                assertThat(finishers).as("both instances processed records").contains("it-first", "it-second");
                System.out.printf("rebalance: %d records, %d terminal frames%n", RECORDS, events.terminalFrames());
            }
        }
    }
}
