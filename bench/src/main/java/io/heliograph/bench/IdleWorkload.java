package io.heliograph.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            rig.startWatchdog((connections + warmupConnections) / rig.connectRate + 2L * rig.connectTimeoutMillis / 1000 + 2L * settleSeconds + 60);
            String run = Rig.runId();
            List<String> assignment = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                assignment.add(namespace + ".bench-" + run + "-" + (i % channelCount));
            }

            if (warmupConnections > 0) {
                // Opened and closed before the baseline, so class loading and JIT of the connection path are not counted per connection.
                Fleet warmup = new Fleet(rig.vertx, rig.url, rig.eventLoops, warmupConnections, rig.perAddress, rig.connectTimeoutMillis,
                        (connection, frame, now) -> { });
                System.err.printf("w3: warm-up: %d connections opened and closed ...%n", warmupConnections);
                warmup.open(assignment.subList(0, Math.min(warmupConnections, connections)), rig.connectRate,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
                warmup.closeAll(TimeUnit.SECONDS.toNanos(10));
                Rig.sleep(Duration.ofSeconds(2));
            }
            Optional<String> heapBefore = gc ? collect(gateway) : Optional.empty();
            long rssBefore = gateway.rssBytes();
            String statsBefore = rig.gatewayStats();
            Fleet fleet = new Fleet(rig.vertx, rig.url, rig.eventLoops, connections, rig.perAddress, rig.connectTimeoutMillis,
                    (connection, frame, now) -> { });
            System.err.printf("w3: opening %d idle connections at %d/s to %s ...%n", connections, rig.connectRate, rig.url);
            ProcessProbe.CpuSample cpu0 = ProcessProbe.CpuSample.of(gateway);
            long connectStart = System.nanoTime();
            fleet.open(assignment, rig.connectRate,
                    connectStart + (long) (connections * 1e9 / rig.connectRate) + TimeUnit.MILLISECONDS.toNanos(2L * rig.connectTimeoutMillis));
            long connectNanos = System.nanoTime() - connectStart;
            ProcessProbe.CpuSample cpu1 = ProcessProbe.CpuSample.of(gateway);
            System.err.printf("w3: %d subscribed, %d failed in %.1f s; settling %d s ...%n",
                    fleet.subscribedCount(), fleet.failedCount(), connectNanos / 1e9, settleSeconds);
            Rig.sleep(Duration.ofSeconds(settleSeconds));
            ProcessProbe.CpuSample cpu2 = ProcessProbe.CpuSample.of(gateway);
            long rssAfter = gateway.rssBytes();
            Optional<String> heapAfter = Optional.empty();
            long rssAfterGc = -1;
            if (gc) {
                heapAfter = collect(gateway);
                Rig.sleep(Duration.ofSeconds(2));
                rssAfterGc = gateway.rssBytes();
            }
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
            report.row("RSS before", Report.mib(rssBefore) + (warmupConnections > 0 ? " (after " + warmupConnections
                    + " warm-up connections opened and closed)" : ""));
            report.row("RSS after " + settleSeconds + " s settle", Report.mib(rssAfter));
            report.row("RSS per connection", idle == 0 ? "n/a" : perConnection(rssAfter - rssBefore, idle));
            if (gc) {
                report.row("RSS after GC.run", Report.mib(rssAfterGc) + "  => " + (idle == 0 ? "n/a" : perConnection(rssAfterGc - rssBefore, idle)));
                report.row("heap before (after GC)", heapBefore.orElse("jcmd GC.heap_info unavailable"));
                report.row("heap after (after GC)", heapAfter.orElse("jcmd GC.heap_info unavailable"));
                long usedBefore = usedKiB(heapBefore);
                long usedAfter = usedKiB(heapAfter);
                report.row("live heap per connection", usedBefore < 0 || usedAfter < 0 || idle == 0 ? "n/a"
                        : Report.fixed((usedAfter - usedBefore) / (double) idle, 2) + " KiB (heap used after a full GC, after - before)");
            }
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

    private static String perConnection(long bytes, int connections) {
        return Report.fixed(bytes / 1024.0 / connections, 2) + " KiB";
    }

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** Heap used in KiB from the first line of {@code GC.heap_info}, or -1. */
    private static long usedKiB(Optional<String> heapInfo) {
        if (heapInfo.isEmpty()) {
            return -1;
        }
        Matcher used = USED.matcher(heapInfo.get());
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    /** A full collection in the gateway through its own JDK's jcmd, then the heap summary after it. */
    private static Optional<String> collect(ProcessProbe gateway) {
        if (gateway.jcmd("GC.run").isEmpty()) {
            return Optional.empty();
        }
        return gateway.jcmd("GC.heap_info").map(info -> info.lines().skip(1).limit(3).map(String::strip)
                .reduce((a, b) -> a + "\n" + b).orElse(""));
    }
}
