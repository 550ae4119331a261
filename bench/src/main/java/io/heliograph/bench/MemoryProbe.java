package io.heliograph.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What connections cost a server in memory: RSS read before and after they are opened, and with
 * {@code gc} the live heap, i.e. heap used after a full collection requested through the server's
 * own JDK ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}). A collection cannot be forced
 * from outside without attaching, so the plain RSS figure includes the garbage the handshakes
 * left; the live heap is the steadier one.
 */
final class MemoryProbe {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final ProcessProbe server;
    private final boolean gc;
    private long rssBefore = -1;
    private long rssAfter = -1;
    private long rssAfterGc = -1;
    private Optional<String> heapBefore = Optional.empty();
    private Optional<String> heapAfter = Optional.empty();

    MemoryProbe(ProcessProbe server, boolean gc) {
        this.server = server;
        this.gc = gc;
    }

    /**
     * Opens and closes some connections first, so that class loading and JIT compilation of the
     * connection path are not counted per connection.
     */
    static void warmUp(Rig rig, List<String> assignment, int connections) {
        if (connections <= 0) {
            return;
        }
        Fleet warmup = new Fleet(rig.vertx, rig.url, rig.protocol, rig.eventLoops, connections, rig.perAddress,
                rig.connectTimeoutMillis, (connection, frame, now) -> { });
        System.err.printf("warm-up: %d connections opened and closed ...%n", connections);
        warmup.open(assignment.subList(0, Math.min(connections, assignment.size())), rig.connectRate,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        warmup.closeAll(TimeUnit.SECONDS.toNanos(10));
        Rig.sleep(Duration.ofSeconds(2));
    }

    /** The baseline, before the connections are opened. */
    void before() {
        heapBefore = gc ? collect() : Optional.empty();
        rssBefore = server.rssBytes();
    }

    /** The reading with the connections open (the caller lets them settle first). */
    void after() {
        rssAfter = server.rssBytes();
        if (gc) {
            heapAfter = collect();
            Rig.sleep(Duration.ofSeconds(2));
            rssAfterGc = server.rssBytes();
        }
    }

    long rssBefore() {
        return rssBefore;
    }

    long rssAfter() {
        return rssAfter;
    }

    /** RSS growth per connection in KiB: after the full GC when one was made, else after the settle. */
    double rssPerConnectionKiB(int connections) {
        long after = gc ? rssAfterGc : rssAfter;
        return connections <= 0 || after < 0 || rssBefore < 0 ? Double.NaN : (after - rssBefore) / 1024.0 / connections;
    }

    /** Live heap growth per connection in KiB, NaN without {@code gc} or jcmd. */
    double heapPerConnectionKiB(int connections) {
        long before = usedKiB(heapBefore);
        long after = usedKiB(heapAfter);
        return connections <= 0 || before < 0 || after < 0 ? Double.NaN : (after - before) / (double) connections;
    }

    void describe(Report report, int connections, int settleSeconds, int warmupConnections) {
        report.row("RSS before", Report.mib(rssBefore) + (warmupConnections > 0 ? " (after " + warmupConnections
                + " warm-up connections opened and closed)" : ""));
        report.row("RSS after " + settleSeconds + " s settle", Report.mib(rssAfter));
        report.row("RSS per connection", connections == 0 ? "n/a"
                : Report.fixed((rssAfter - rssBefore) / 1024.0 / connections, 2) + " KiB");
        if (gc) {
            report.row("RSS after GC.run", Report.mib(rssAfterGc) + "  => " + (connections == 0 ? "n/a"
                    : Report.fixed(rssPerConnectionKiB(connections), 2) + " KiB"));
            report.row("heap before (after GC)", heapBefore.orElse("jcmd GC.heap_info unavailable"));
            report.row("heap after (after GC)", heapAfter.orElse("jcmd GC.heap_info unavailable"));
            double heap = heapPerConnectionKiB(connections);
            report.row("live heap per connection", Double.isNaN(heap) ? "n/a"
                    : Report.fixed(heap, 2) + " KiB (heap used after a full GC, after - before)");
        }
    }

    /**
     * Heap used in KiB from {@code GC.heap_info}: the sum over its generation lines (those with a
     * "total": one line for G1, young plus old for Parallel and Serial), or -1.
     */
    static long usedKiB(Optional<String> heapInfo) {
        if (heapInfo.isEmpty()) {
            return -1;
        }
        long sum = -1;
        for (String line : heapInfo.get().lines().toList()) {
            Matcher used = USED.matcher(line);
            if (line.contains("total") && used.find()) {
                sum = Math.max(0, sum) + Long.parseLong(used.group(1));
            }
        }
        return sum;
    }

    /** A full collection in the server through its own JDK's jcmd, then the generation lines of the heap summary. */
    private Optional<String> collect() {
        if (server.jcmd("GC.run").isEmpty()) {
            return Optional.empty();
        }
        return server.jcmd("GC.heap_info").map(info -> info.lines().filter(line -> line.contains("total"))
                .map(String::strip).reduce((a, b) -> a + "\n" + b).orElse(""));
    }
}
