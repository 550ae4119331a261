package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class CompareTest {

    private static final Path REPO = Path.of("/repo");

    @Test
    void defaultsAreTheIssuesWorkloadsThreeRoundsAndTheSameFlagsForBothServers() {
        Args args = new Args(new String[0], 0);
        Compare.Options options = Compare.Options.from(args, REPO);
        assertThat(options.workloads()).extracting(FanOutWorkload.Defaults::name).containsExactly("w0", "w1", "w2", "w3");
        assertThat(options.rounds()).isEqualTo(3);
        assertThat(options.serverJvmFlags()).containsExactly("-Xms256m", "-Xmx1g", "-XX:+UseParallelGC");
        assertThat(options.gatewayApp()).isEqualTo(Path.of("/repo/gateway-service/target/quarkus-app"));
        assertThat(options.floorSource()).isEqualTo(Path.of("/shared/peers/jvm-floor"));
        assertThat(options.floorEventLoops()).isEqualTo(2);
    }

    @Test
    void workloadsFlagsAndRoundsCanBeChosen() {
        Args args = new Args(new String[] {"--workloads", "W2, w0", "--rounds", "1",
                "--server-jvm-flags", " -Xmx512m  -XX:+UseG1GC "}, 0);
        Compare.Options options = Compare.Options.from(args, REPO);
        assertThat(options.workloads()).containsExactly(FanOutWorkload.W2, FanOutWorkload.W0);
        assertThat(options.rounds()).isEqualTo(1);
        assertThat(options.serverJvmFlags()).containsExactly("-Xmx512m", "-XX:+UseG1GC");
    }

    @Test
    void anUnknownWorkloadOrSomethingThatIsNoJvmFlagIsRefused() {
        assertThatThrownBy(() -> Compare.Options.from(new Args(new String[] {"--workloads", "w1,w9"}, 0), REPO))
                .hasMessageContaining("unknown workload 'w9'");
        assertThatThrownBy(() -> Compare.Options.from(new Args(new String[] {"--server-jvm-flags", "-Xmx1g UseG1GC"}, 0), REPO))
                .hasMessageContaining("'UseG1GC' is not a JVM option");
    }

    @Test
    void theFloorGoesFirstInOddRoundsAndTheGatewayInEvenOnes() {
        assertThat(Compare.order(1)).containsExactly(ServerProcess.Kind.FLOOR, ServerProcess.Kind.GATEWAY);
        assertThat(Compare.order(2)).containsExactly(ServerProcess.Kind.GATEWAY, ServerProcess.Kind.FLOOR);
        assertThat(Compare.order(3)).containsExactly(ServerProcess.Kind.FLOOR, ServerProcess.Kind.GATEWAY);
    }

    @Test
    void theTablePrintsMediansOfTheRoundsAndTheirRatio() {
        FanOutWorkload.Spec spec = FanOutWorkload.Spec.from(FanOutWorkload.W1, new Args(new String[0], 0), false);
        List<Figures> floor = List.of(figures(100, 0, false), figures(110, 0, false), figures(90, 0, false));
        List<Figures> gateway = List.of(figures(300, 0, false), figures(200, 0, false), figures(250, 5, true));
        String table = Compare.table(spec, floor, gateway);
        assertThat(table).contains("W1 broadcast: 2000 connections over 1 channel(s), 200 events/s for 20 s");
        // p99: floor median 100, gateway median 250.
        assertThat(table).containsPattern("latency p99 \\(ms\\)\\s+100\\.0\\s+250\\.0\\s+2\\.50x\\s+100\\.0 110\\.0 90\\.00 \\| 300\\.0 200\\.0 250\\.0");
        assertThat(table).contains("missing / duplicates         floor 0/0 0/0 0/0 | gateway 0/0 0/0 5/0");
        assertThat(table).contains("SATURATED in 1 of 6 runs");
    }

    @Test
    void aTableWithoutSaturatedRunsSaysSo() {
        FanOutWorkload.Spec spec = FanOutWorkload.Spec.from(FanOutWorkload.W0, new Args(new String[0], 0), false);
        String table = Compare.table(spec, List.of(figures(1, 0, false)), List.of(figures(2, 0, false)));
        assertThat(table).contains("not saturated in any of the 2 runs");
    }

    private static Figures figures(double p99, long missing, boolean saturated) {
        return new Figures(p99 / 10, p99, p99 * 2, 400_000, 1_000_000, missing, 0, 5.0, Double.NaN, Double.NaN, 1.5,
                2000, 0, 0.9, 0.1, 0.8, saturated ? 0.95 : 0.4, 1.0, saturated, 3.0, 1.5);
    }
}
