package io.heliograph.monitor.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Load;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.KafkaBroker;
import io.heliograph.testkit.ServiceProcess;

/**
 * The Kafka broker (this test's own, never the shared one) stopped and started again in the middle of a stream:
 * the monitor keeps its place, and every record is counted exactly once and ends in one terminal state.
 */
class BrokerRestartIT {

    private static final int RECORDS = 6000;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aBrokerRestartMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
        try (KafkaBroker broker = new KafkaBroker()) {
            MonitorRun run = MonitorRun.create(3, broker.bootstrap(), Frames.REDIS);
            try (Frames events = run.subscribeEvents();
                    ServiceProcess monitor = run.start("it-broker");
                    Load load = Load.start(broker.bootstrap(), run.topic(), RECORDS, 1000)) {
                await().atMost(WAIT).until(() -> Load.finished(monitor.getJson("/api/stats")) >= 1000);

                broker.stop();
                // Down long enough for the member's session to run out: it must rejoin and resume from its commits.
                Thread.sleep(8000);
                broker.start();

                load.awaitSent(WAIT);
                await().atMost(WAIT).until(() -> Load.finished(monitor.getJson("/api/stats")) >= RECORDS);
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                load.assertCounted(monitor.getJson("/api/stats"));
                load.assertOneTerminalStateEach(events);
                System.out.printf("broker restart: %d records, %d terminal frames%n", RECORDS, events.terminalFrames());
            }
        }
    }
}
