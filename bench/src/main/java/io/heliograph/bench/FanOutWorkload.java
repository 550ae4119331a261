package io.heliograph.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * W1 and W2: connections spread evenly over channels, events published at a fixed total rate
 * round robin over the channels; measures publish-to-receive latency of every delivery,
 * deliveries per second, loss and duplicates per connection, connect time, and the gateway's
 * RSS and CPU while the events flow.
 */
final class FanOutWorkload {

    /** Defaults of one named workload. */
    record Defaults(String name, String description, int connections, int channels, int rate, int seconds) {
    }

    static final Defaults W1 = new Defaults("w1", "broadcast", 2_000, 1, 200, 20);
    static final Defaults W2 = new Defaults("w2", "many channels", 5_000, 100, 1_000, 20);

    private FanOutWorkload() {
    }

    static int run(Defaults defaults, Args args) {
        int connections = args.integer("connections", defaults.connections(), 1, Rig.MAX_CONNECTIONS);
        int channelCount = args.integer("channels", defaults.channels(), 1, connections);
        int rate = args.integer("rate", defaults.rate(), 1, 100_000);
        int seconds = args.integer("duration", defaults.seconds(), 1, 300);
        int warmupSeconds = args.integer("warmup", 3, 0, 60);
        int drainSeconds = args.integer("drain", 10, 1, 120);
        int padding = args.integer("payload-bytes", 0, 0, 60_000);
        String namespace = args.string("namespace", "prices");
        Rig.checkConnections(connections);
        try (Rig rig = new Rig(args)) {
            args.refuseUnknown();
            rig.startWatchdog(connections / rig.connectRate + 2L * rig.connectTimeoutMillis / 1000 + warmupSeconds + seconds + drainSeconds + 30);
            String run = Rig.runId();
            List<String> channels = new ArrayList<>();
            for (int i = 0; i < channelCount; i++) {
                channels.add(namespace + ".bench-" + run + "-" + i);
            }
            List<String> assignment = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                assignment.add(channels.get(i % channelCount));
            }
            Histogram latency = Histograms.micros();
            LongAdder deliveries = new LongAdder();
            AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
            LongAccumulator lastDelivery = new LongAccumulator(Math::max, Long.MIN_VALUE);
            Fleet fleet = new Fleet(rig.vertx, rig.url, rig.eventLoops, connections, rig.perAddress, rig.connectTimeoutMillis,
                    (connection, frame, now) -> {
                        // Warm-up events (sequence below measureFrom) count for loss only.
                        if (FrameScanner.sequence(frame) >= measureFrom.get()) {
                            long sent = FrameScanner.sentNanos(frame);
                            if (sent != FrameScanner.ABSENT) {
                                Histograms.recordNanos(latency, now - sent);
                            }
                            deliveries.increment();
                            lastDelivery.accumulate(now);
                        }
                    });
            System.err.printf("%s: opening %d connections at %d/s to %s ...%n", defaults.name(), connections, rig.connectRate, rig.url);
            long connectStart = System.nanoTime();
            fleet.open(assignment, rig.connectRate,
                    connectStart + (long) (connections * 1e9 / rig.connectRate) + TimeUnit.MILLISECONDS.toNanos(2L * rig.connectTimeoutMillis));
            long connectNanos = System.nanoTime() - connectStart;
            System.err.printf("%s: %d subscribed, %d failed in %.1f s; publishing %d events/s for %d s (+%d s warm-up) ...%n",
                    defaults.name(), fleet.subscribedCount(), fleet.failedCount(), connectNanos / 1e9, rate, seconds, warmupSeconds);

            try (Publishing publishing = new Publishing(rig.redisUrl)) {
                PacedPublisher publisher = new PacedPublisher(publishing.publisher(), channels, rate, padding, 10 * rate + 100);
                ProcessProbe self = ProcessProbe.self();
                if (warmupSeconds > 0) {
                    // Same schedule, not measured: JIT compilation on both sides would otherwise dominate the tail.
                    publisher.run(TimeUnit.SECONDS.toNanos(warmupSeconds));
                    publisher.resetCounts();
                }
                measureFrom.set(publisher.measureFrom());
                long rssBefore = rig.gateway.map(ProcessProbe::rssBytes).orElse(-1L);
                ProcessProbe.CpuSample gwCpu0 = rig.gateway.map(ProcessProbe.CpuSample::of).orElse(null);
                ProcessProbe.CpuSample redisCpu0 = rig.redis.map(ProcessProbe.CpuSample::of).orElse(null);
                ProcessProbe.CpuSample selfCpu0 = ProcessProbe.CpuSample.of(self);
                long publishStart = System.nanoTime();
                publisher.run(TimeUnit.SECONDS.toNanos(seconds));
                long publishEnd = System.nanoTime();
                publisher.awaitReplies(TimeUnit.SECONDS.toNanos(10));
                Map<String, Long> finalOffsets = new HashMap<>();
                for (String channel : channels) {
                    finalOffsets.put(channel, publishing.lastOffset(channel));
                }
                // Wait for the last deliveries: every connection caught up with its channel's final offset, or the drain time.
                long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
                while (System.nanoTime() < drainDeadline && fleet.connections().stream()
                        .anyMatch(c -> c.subscribed() && !c.closed && c.lastOffset < finalOffsets.get(c.channel))) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                long flowEnd = Math.max(publishEnd, lastDelivery.get());
                ProcessProbe.CpuSample gwCpu1 = rig.gateway.map(ProcessProbe.CpuSample::of).orElse(null);
                ProcessProbe.CpuSample redisCpu1 = rig.redis.map(ProcessProbe.CpuSample::of).orElse(null);
                ProcessProbe.CpuSample selfCpu1 = ProcessProbe.CpuSample.of(self);
                long rssAfter = rig.gateway.map(ProcessProbe::rssBytes).orElse(-1L);
                String stats = rig.gatewayStats();

                long expected = 0;
                long missing = 0;
                long duplicates = 0;
                long resubscribes = 0;
                int lossyConnections = 0;
                for (Connection c : fleet.connections()) {
                    long finalOffset = finalOffsets.get(c.channel);
                    expected += c.expected(finalOffset);
                    long lost = c.missingAtEnd(finalOffset);
                    missing += lost;
                    duplicates += c.duplicates;
                    resubscribes += c.resubscribes;
                    if (lost > 0 || c.duplicates > 0) {
                        lossyConnections++;
                    }
                }
                fleet.closeAll(TimeUnit.SECONDS.toNanos(10));

                Report report = new Report(defaults.name().toUpperCase() + " " + defaults.description() + ": " + connections
                        + " connections over " + channelCount + " channel(s), " + rate + " events/s for " + seconds + " s");
                Machine.describe(report);
                rig.describeGateway(report);
                report.row("target", rig.url + " (namespace " + namespace + ", run " + run + ", " + rig.eventLoops + " client event loops)");
                report.section("connections");
                report.row("subscribed", fleet.subscribedCount() + " of " + connections + " (failed " + fleet.failedCount()
                        + ", closed by gateway " + fleet.unexpectedCloses() + ")");
                report.row("per client event loop", fleet.perEventLoop());
                report.row("connect phase", Report.fixed(connectNanos / 1e9, 1) + " s at " + rig.connectRate + "/s");
                report.row("connect (TCP+upgrade)", Histograms.summary(fleet.connectMicros()));
                report.row("subscribe round trip", Histograms.summary(fleet.subscribeMicros()));
                report.section("publishing (heliograph-core RedisEventPublisher)");
                report.row("published", publisher.acknowledged() + " of " + (seconds * (long) rate) + " scheduled (failed "
                        + publisher.failed() + ", skipped " + publisher.skipped() + ")");
                report.row("publish rate", Report.rate(publisher.acknowledged(), publishEnd - publishStart));
                report.row("publish -> Redis ack", Histograms.summary(publisher.ackMicros()));
                report.section("delivery");
                report.row("deliveries (measured)", deliveries.sum() + " (events after the " + warmupSeconds + " s warm-up)");
                report.row("deliveries/s", Report.rate(deliveries.sum(), flowEnd - publishStart) + " (first publish to last delivery)");
                report.row("LOSS (whole run)", expected + " deliveries expected: " + missing + " missing, " + duplicates + " duplicate/out of order, on " + lossyConnections
                        + " connection(s); " + resubscribes + " resubscribe frame(s)"
                        + (missing == 0 && duplicates == 0 && fleet.unexpectedCloses() == 0 ? "  => zero loss" : "  => LOSS"));
                report.row("latency publish->recv", Histograms.summary(latency));
                report.section("processes while publishing");
                report.row("gateway RSS", rssBefore < 0 ? "n/a" : Report.mib(rssBefore) + " before, " + Report.mib(rssAfter) + " after");
                report.row("gateway CPU", gwCpu0 == null ? "n/a" : Report.fixed(gwCpu0.coresUntil(gwCpu1), 2) + " cores");
                report.row("redis CPU", redisCpu0 == null ? "n/a" : Report.fixed(redisCpu0.coresUntil(redisCpu1), 2) + " cores (pid "
                        + rig.redis.get().pid() + ")");
                report.row("bench CPU", Report.fixed(selfCpu0.coresUntil(selfCpu1), 2) + " cores (load generator + publisher)");
                report.row("gateway /api/stats", stats);
                String problems = fleet.problems() + (publisher.failures().isEmpty() ? "" : "\n" + publisher.failures());
                report.row("problems", problems.isBlank() ? "none" : problems.strip());
                report.print(System.out);
                return missing == 0 && duplicates == 0 && fleet.failedCount() == 0 ? 0 : 1;
            }
        }
    }
}
