package io.heliograph.monitor.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Load;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.ServiceProcess;

/**
 * An instance killed (SIGKILL) in the middle of a stream and started again (real broker): the records it had
 * recorded but not committed are redelivered to the new one, which skips them; every record is counted exactly
 * once and ends in one terminal state.
 */
class RestartMidStreamIT {

    /** A stream of about a minute, so that it still flows while the killed instance is replaced. */
    private static final int RECORDS = 9000;
    private static final int PER_SECOND = 150;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aKillAndRestartMidStreamCountsNothingTwice() throws Exception {
        MonitorRun run = MonitorRun.create(3);
        Load load = null;
        try (Frames events = run.subscribeEvents()) {
            try (ServiceProcess first = run.start("it-first")) {
                load = Load.start(run.bootstrap(), run.topic(), RECORDS, PER_SECOND);
                await().atMost(WAIT).until(() -> Load.finished(first.getJson("/api/stats")) >= 1500);
                first.kill();
            }
            try (ServiceProcess second = run.start("it-second")) {
                load.awaitSent(WAIT);
                await().atMost(WAIT).until(() -> Load.finished(second.getJson("/api/stats")) >= RECORDS);
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                load.assertCounted(second.getJson("/api/stats"));
                load.assertOneTerminalStateEach(events);
                System.out.printf("kill and restart: %d records, %d terminal frames, %d redelivered to the second instance%n",
                        RECORDS, events.terminalFrames(), metric(second.getText("/q/metrics"), "redelivered"));
            }
        } finally {
            if (load != null) {
                load.close();
            }
        }
    }

    private static long metric(String prometheus, String outcome) {
        Matcher m = Pattern.compile("(?m)^heliograph_monitor_records_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*\\} ([0-9.E+]+)$")
                .matcher(prometheus);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
