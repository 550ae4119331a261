package io.heliograph.monitor.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.heliograph.monitor.Frames;
import io.heliograph.monitor.Kafka;
import io.heliograph.monitor.Load;
import io.heliograph.monitor.MonitorRun;
import io.heliograph.testkit.RedisServer;
import io.heliograph.testkit.ServiceProcess;

/**
 * Redis (this test's own) frozen with SIGSTOP for 10 s under load: the monitor stops taking records (its
 * partitions stay paused, so what it holds stays bounded by one batch per partition), and once Redis runs again
 * it resumes where it stopped: every record counted exactly once, one terminal state each.
 */
class RedisFreezeIT {

    private static final int RECORDS = 8000;
    private static final int PARTITIONS = 3;
    private static final int MAX_POLL_RECORDS = 500;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aFrozenRedisPausesTheConsumerWhichResumesWhereItStopped() throws Exception {
        try (RedisServer redis = new RedisServer(false)) {
            MonitorRun run = MonitorRun.create(PARTITIONS, Kafka.BOOTSTRAP, redis.url());
            try (Frames events = run.subscribeEvents();
                    ServiceProcess monitor = run.start("it-freeze");
                    Load load = Load.start(run.bootstrap(), run.topic(), RECORDS, 1000)) {
                await().atMost(WAIT).until(() -> Load.finished(monitor.getJson("/api/stats")) >= 1500);

                redis.freeze();
                List<Long> held = new ArrayList<>();
                List<Long> heap = new ArrayList<>();
                try {
                    for (int i = 0; i < 10; i++) {
                        Thread.sleep(1000);
                        String metrics = monitor.getText("/q/metrics");
                        held.add(gauge(metrics, "heliograph_monitor_records_in_flight"));
                        heap.add(heapUsed(metrics));
                    }
                } finally {
                    redis.thaw();
                }
                System.out.printf("redis frozen 10 s: records held %s, heap used MiB %s%n", held,
                        heap.stream().map(b -> b >> 20).toList());
                // Records keep arriving in the topic meanwhile; the monitor takes no more than one batch per partition.
                assertThat(held).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PARTITIONS * MAX_POLL_RECORDS));
                assertThat(held).as("it was holding a batch when Redis froze").anySatisfy(n -> assertThat(n).isPositive());

                load.awaitSent(WAIT);
                await().atMost(WAIT).until(() -> Load.finished(monitor.getJson("/api/stats")) >= RECORDS);
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                load.assertCounted(monitor.getJson("/api/stats"));
                load.assertOneTerminalStateEach(events);
                System.out.printf("redis freeze: %d records, %d terminal frames%n", RECORDS, events.terminalFrames());
            }
        }
    }

    private static long gauge(String prometheus, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.E+]+)$").matcher(prometheus);
        return m.find() ? (long) Double.parseDouble(m.group(2)) : -1;
    }

    private static long heapUsed(String prometheus) {
        Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.E+]+)$").matcher(prometheus);
        long sum = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
