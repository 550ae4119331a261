package io.heliograph.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * W3: many idle connections (connected and subscribed, no traffic) and what each costs the
 * gateway in resident memory: (RSS after - RSS before) / connections, read after a settle time.
 * A collection cannot be forced from outside without attaching, so the plain figure includes
 * whatever garbage the handshakes left; with {@code --gc} the bench also asks the gateway's own
 * JDK for a full collection ({@code jcmd <pid> GC.run}) before both readings, and reports the live
 * heap after it, which is the steadier figure.
 */
final class IdleWorkload {

    private IdleWorkload() {
    }

    static int run(Args args) {
        int connections = args.integer("connections", 10_000, 1, Rig.MAX_CONNECTIONS);
        int channelCount = args.integer("channels", 100, 1, connections);
        int settleSeconds = args.integer("settle", 5, 0, 120);
        int warmupConnections = args.integer("warmup-connections", 200, 0, 5_000);
        boolean gc = args.flag("gc");
        String namespace = args.string("namespace", "prices");
        Rig.checkConnections(connections);
        try (Rig rig = new Rig(args)) {
            args.refuseUnknown();
            if (rig.gateway.isEmpty()) {
                throw new IllegalArgumentException("W3 measures the gateway's memory: give --gateway-pid (none listens on "
                        + rig.url.getPort() + " for this user, and no .heliograph/pids/gateway-1.pid)");
            }
            ProcessProbe gateway = rig.gateway.get();
            rig.startWatchdog(rig.connectPhaseSeconds(connections + warmupConnections) + 2L * settleSeconds + 60);
            String run = Rig.runId();
            List<String> assignment = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                assignment.add(namespace + ".bench-" + run + "-" + (i % channelCount));
            }

            MemoryProbe.warmUp(rig, assignment, warmupConnections);
            MemoryProbe memory = new MemoryProbe(gateway, gc);
            memory.before();
            String statsBefore = rig.gatewayStats();
            Fleet fleet = new Fleet(rig.vertx, rig.url, rig.protocol, rig.eventLoops, connections, rig.perAddress,
                    rig.connectTimeoutMillis, (connection, frame, now) -> { });
            System.err.printf("w3: opening %d idle connections at %d/s to %s ...%n", connections, rig.connectRate, rig.url);
            ProcessProbe.CpuSample cpu0 = ProcessProbe.CpuSample.of(gateway);
            long connectStart = System.nanoTime();
            fleet.open(assignment, rig.connectRate, rig.connectDeadlineNanos(connections));
            long connectNanos = System.nanoTime() - connectStart;
            ProcessProbe.CpuSample cpu1 = ProcessProbe.CpuSample.of(gateway);
            System.err.printf("w3: %d subscribed, %d failed in %.1f s; settling %d s ...%n",
                    fleet.subscribedCount(), fleet.failedCount(), connectNanos / 1e9, settleSeconds);
            Rig.sleep(Duration.ofSeconds(settleSeconds));
            ProcessProbe.CpuSample cpu2 = ProcessProbe.CpuSample.of(gateway);
            memory.after();
            String statsAfter = rig.gatewayStats();
            int idle = fleet.subscribedCount();
            fleet.closeAll(TimeUnit.SECONDS.toNanos(20));

            Report report = new Report("W3 idle: " + connections + " connections subscribed over " + channelCount
                    + " channel(s), no traffic");
            Machine.describe(report);
            rig.describeGateway(report);
            report.row("target", rig.url + " (namespace " + namespace + ", run " + run + ", " + rig.eventLoops + " client event loops)");
            report.section("connections");
            report.row("subscribed", idle + " of " + connections + " (failed " + fleet.failedCount() + ", closed by gateway "
                    + fleet.unexpectedCloses() + ")");
            report.row("per client event loop", fleet.perEventLoop());
            report.row("connect phase", Report.fixed(connectNanos / 1e9, 1) + " s at " + rig.connectRate + "/s");
            report.row("connect (TCP+upgrade)", Histograms.summary(fleet.connectMicros()));
            report.row("subscribe round trip", Histograms.summary(fleet.subscribeMicros()));
            report.section("gateway memory");
            memory.describe(report, idle, settleSeconds, warmupConnections);
            report.section("gateway CPU");
            report.row("while connecting", Report.fixed(cpu0.coresUntil(cpu1), 2) + " cores");
            report.row("idle (settle)", settleSeconds == 0 ? "n/a" : Report.fixed(cpu1.coresUntil(cpu2), 3) + " cores");
            report.row("/api/stats before", statsBefore);
            report.row("/api/stats after", statsAfter);
            String problems = fleet.problems();
            report.row("problems", problems.isBlank() ? "none" : problems);
            report.print(System.out);
            return fleet.failedCount() == 0 ? 0 : 1;
        }
    }
}
