package io.heliograph.bench;

import java.time.Duration;
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
 * W0, W1, W2 (and W3 with traffic in {@code compare}): connections spread evenly over channels,
 * events published at a fixed total rate round robin over the channels; measures
 * publish-to-receive latency of every delivery, deliveries per second, loss and duplicates per
 * connection, connect time, the server's RSS and CPU while the events flow, and the client's own
 * load. With a memory phase, warm-up connections are opened and closed first and the server's
 * memory per connection is read (after a full GC) before the events start.
 */
final class FanOutWorkload {

    /** Defaults of one named workload. */
    record Defaults(String name, String description, int connections, int channels, int rate, int seconds) {
    }

    static final Defaults W0 = new Defaults("w0", "small broadcast", 1_000, 1, 50, 20);
    static final Defaults W1 = new Defaults("w1", "broadcast", 2_000, 1, 200, 20);
    static final Defaults W2 = new Defaults("w2", "many channels", 5_000, 100, 1_000, 20);
    /** W3 as {@code compare} runs it: the idle fleet's memory, then a trickle of events through it. */
    static final Defaults W3 = new Defaults("w3", "idle connections, then 20 events/s", 10_000, 100, 20, 20);

    /** The memory phase: connections opened and closed before the baseline, and the settle time before the reading. */
    record Memory(int warmupConnections, int settleSeconds) {
    }

    /** One run's settings; {@code memory} is null for a run without a memory phase. */
    record Spec(Defaults workload, int connections, int channels, int rate, int seconds, int warmupSeconds,
            int drainSeconds, int padding, String namespace, Memory memory) {

        /** The workload's defaults overridden by the options; a memory phase by default only where {@code memoryByDefault}. */
        static Spec from(Defaults defaults, Args args, boolean memoryByDefault) {
            int connections = args.integer("connections", defaults.connections(), 1, Rig.MAX_CONNECTIONS);
            Memory memory = null;
            if (args.flag("memory") || memoryByDefault) {
                memory = new Memory(args.integer("warmup-connections", 200, 0, 5_000), args.integer("settle", 5, 0, 120));
            }
            return new Spec(defaults, connections,
                    args.integer("channels", defaults.channels(), 1, connections),
                    args.integer("rate", defaults.rate(), 1, 100_000),
                    args.integer("duration", defaults.seconds(), 1, 300),
                    args.integer("warmup", 3, 0, 60),
                    args.integer("drain", 10, 1, 120),
                    args.integer("payload-bytes", 0, 0, 60_000),
                    args.string("namespace", "prices"),
                    memory);
        }

        /** Upper bound of the run's length, for the hard stop. */
        long estimatedSeconds(Rig rig) {
            long connect = rig.connectPhaseSeconds(connections) + (memory == null ? 0 : 60);
            long memoryPhase = memory == null ? 0 : memory.settleSeconds() + 60;
            return connect + memoryPhase + warmupSeconds + seconds + drainSeconds + 30;
        }

        String title() {
            return workload.name().toUpperCase() + " " + workload.description() + ": " + connections + " connections over "
                    + channels + " channel(s), " + rate + " events/s for " + seconds + " s";
        }
    }

    /** A run's figures, its full report, and whether it was clean (no loss, no failed connection). */
    record Outcome(Figures figures, Report report, boolean clean) {
    }

    private FanOutWorkload() {
    }

    static int run(Defaults defaults, Args args) {
        Spec spec = Spec.from(defaults, args, false);
        Rig.checkConnections(spec.connections());
        try (Rig rig = new Rig(args)) {
            args.refuseUnknown();
            rig.startWatchdog(spec.estimatedSeconds(rig));
            Outcome outcome = measure(rig, spec);
            outcome.report().print(System.out);
            return outcome.clean() ? 0 : 1;
        }
    }

    /** Runs the workload against the rig's server. */
    static Outcome measure(Rig rig, Spec spec) {
        String name = spec.workload().name();
        String server = rig.serverLabel();
        String run = Rig.runId();
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < spec.channels(); i++) {
            channels.add(spec.namespace() + ".bench-" + run + "-" + i);
        }
        List<String> assignment = new ArrayList<>();
        for (int i = 0; i < spec.connections(); i++) {
            assignment.add(channels.get(i % spec.channels()));
        }
        MemoryProbe memory = null;
        if (spec.memory() != null) {
            if (rig.gateway.isEmpty()) {
                throw new IllegalArgumentException("the memory phase measures the server's memory: give --gateway-pid");
            }
            MemoryProbe.warmUp(rig, assignment, spec.memory().warmupConnections());
            memory = new MemoryProbe(rig.gateway.get(), true);
            memory.before();
        }
        Histogram latency = Histograms.micros();
        LongAdder deliveries = new LongAdder();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        LongAccumulator lastDelivery = new LongAccumulator(Math::max, Long.MIN_VALUE);
        Fleet fleet = new Fleet(rig.vertx, rig.url, rig.protocol, rig.eventLoops, spec.connections(), rig.perAddress,
                rig.connectTimeoutMillis, (connection, frame, now) -> {
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
        System.err.printf("%s/%s: opening %d connections at %d/s to %s ...%n", name, server, spec.connections(), rig.connectRate, rig.url);
        long connectStart = System.nanoTime();
        fleet.open(assignment, rig.connectRate, rig.connectDeadlineNanos(spec.connections()));
        long connectNanos = System.nanoTime() - connectStart;
        if (memory != null) {
            System.err.printf("%s/%s: %d subscribed in %.1f s; settling %d s, then the memory reading ...%n", name, server,
                    fleet.subscribedCount(), connectNanos / 1e9, spec.memory().settleSeconds());
            Rig.sleep(Duration.ofSeconds(spec.memory().settleSeconds()));
            memory.after();
        }
        System.err.printf("%s/%s: %d subscribed, %d failed in %.1f s; publishing %d events/s for %d s (+%d s warm-up) ...%n",
                name, server, fleet.subscribedCount(), fleet.failedCount(), connectNanos / 1e9, spec.rate(), spec.seconds(),
                spec.warmupSeconds());

        try (PublishPath publishing = rig.protocol == Fleet.Protocol.FLOOR ? new FloorPublishing(rig.redisUrl)
                : new Publishing(rig.redisUrl)) {
            PacedPublisher publisher = new PacedPublisher(publishing::publish, channels, spec.rate(), spec.padding(),
                    10 * spec.rate() + 100);
            List<io.netty.util.concurrent.EventExecutor> clientLoops = new ArrayList<>(rig.eventLoops());
            clientLoops.addAll(publishing.eventLoops());
            ClientLoad clientLoad = new ClientLoad(clientLoops);
            if (spec.warmupSeconds() > 0) {
                // Same schedule, not measured: JIT compilation on both sides would otherwise dominate the tail.
                publisher.run(TimeUnit.SECONDS.toNanos(spec.warmupSeconds()));
                publisher.resetCounts();
            }
            measureFrom.set(publisher.measureFrom());
            long rssBefore = rig.gateway.map(ProcessProbe::rssBytes).orElse(-1L);
            ProcessProbe.CpuSample gwCpu0 = rig.gateway.map(ProcessProbe.CpuSample::of).orElse(null);
            ProcessProbe.CpuSample redisCpu0 = rig.redis.map(ProcessProbe.CpuSample::of).orElse(null);
            ClientLoad.Sample client0 = clientLoad.sample();
            double loadAverage = Machine.loadAverage();
            long publishStart = System.nanoTime();
            publisher.run(TimeUnit.SECONDS.toNanos(spec.seconds()));
            long publishEnd = System.nanoTime();
            // The client's load is taken over the publishing window only: the drain below is mostly waiting.
            ClientLoad.Usage client = ClientLoad.Usage.between(client0, clientLoad.sample());
            clientLoad.close();
            publisher.awaitReplies(TimeUnit.SECONDS.toNanos(10));
            Map<String, Long> finalOffsets = new HashMap<>();
            for (String channel : channels) {
                finalOffsets.put(channel, publishing.lastOffset(channel));
            }
            // Wait for the last deliveries: every connection caught up with its channel's final offset, or the drain time.
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.drainSeconds());
            while (System.nanoTime() < drainDeadline && fleet.connections().stream()
                    .anyMatch(c -> c.subscribed() && !c.closed && c.lastOffset < finalOffsets.get(c.channel))) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            long flowEnd = Math.max(publishEnd, lastDelivery.get());
            ProcessProbe.CpuSample gwCpu1 = rig.gateway.map(ProcessProbe.CpuSample::of).orElse(null);
            ProcessProbe.CpuSample redisCpu1 = rig.redis.map(ProcessProbe.CpuSample::of).orElse(null);
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
            fleet.closeAll(TimeUnit.SECONDS.toNanos(20));

            long measured = deliveries.sum();
            double serverCores = gwCpu0 == null ? Double.NaN : gwCpu0.coresUntil(gwCpu1);
            double cpuPerDelivery = gwCpu0 == null || measured == 0 ? Double.NaN
                    : (gwCpu1.cpuNanos() - gwCpu0.cpuNanos()) / 1000.0 / measured;
            int subscribed = fleet.subscribedCount();
            Figures figures = new Figures(
                    Histograms.percentileMs(latency, 50), Histograms.percentileMs(latency, 99), Histograms.percentileMs(latency, 99.9),
                    measured * 1e9 / Math.max(1, flowEnd - publishStart), expected, missing, duplicates, cpuPerDelivery,
                    memory == null ? Double.NaN : memory.rssPerConnectionKiB(subscribed),
                    memory == null ? Double.NaN : memory.heapPerConnectionKiB(subscribed),
                    connectNanos / 1e9, subscribed, fleet.failedCount(), serverCores,
                    redisCpu0 == null ? Double.NaN : redisCpu0.coresUntil(redisCpu1), client.processCores(),
                    client.busiest(), client.worstLagP99Ms(), client.saturated(), Histograms.percentileMs(publisher.ackMicros(), 99),
                    loadAverage);

            Report report = new Report(spec.title() + " -> " + server);
            Machine.describe(report);
            rig.describeGateway(report);
            report.row("target", rig.url + " (namespace " + spec.namespace() + ", run " + run + ", " + rig.eventLoops
                    + " client event loops)");
            report.section("connections");
            report.row("subscribed", subscribed + " of " + spec.connections() + " (failed " + fleet.failedCount()
                    + ", closed by " + server + " " + fleet.unexpectedCloses() + ")");
            report.row("per client event loop", fleet.perEventLoop());
            report.row("connect phase", Report.fixed(connectNanos / 1e9, 2) + " s at up to " + rig.connectRate + "/s (connect-all)");
            report.row("connect (TCP+upgrade)", Histograms.summary(fleet.connectMicros()));
            report.row("subscribe round trip", Histograms.summary(fleet.subscribeMicros()));
            if (memory != null) {
                report.section(server + " memory (before the events)");
                memory.describe(report, subscribed, spec.memory().settleSeconds(), spec.memory().warmupConnections());
            }
            report.section(rig.protocol == Fleet.Protocol.FLOOR
                    ? "publishing (PUBLISH of Heliograph frame bytes on one pipelined connection)"
                    : "publishing (heliograph-core RedisEventPublisher)");
            report.row("published", publisher.acknowledged() + " of " + (spec.seconds() * (long) spec.rate()) + " scheduled (failed "
                    + publisher.failed() + ", skipped " + publisher.skipped() + ")");
            report.row("publish rate", Report.rate(publisher.acknowledged(), publishEnd - publishStart));
            report.row("publish -> Redis ack", Histograms.summary(publisher.ackMicros()));
            report.section("delivery");
            report.row("deliveries (measured)", measured + " (events after the " + spec.warmupSeconds() + " s warm-up)");
            report.row("deliveries/s", Report.rate(measured, flowEnd - publishStart) + " (first publish to last delivery)");
            report.row("LOSS (whole run)", expected + " deliveries expected: " + missing + " missing, " + duplicates
                    + " duplicate/out of order, on " + lossyConnections + " connection(s); " + resubscribes + " resubscribe frame(s)"
                    + (missing == 0 && duplicates == 0 && fleet.unexpectedCloses() == 0 ? "  => zero loss" : "  => LOSS"));
            report.row("latency publish->recv", Histograms.summary(latency));
            report.section("processes while publishing");
            report.row(server + " RSS", rssBefore < 0 ? "n/a" : Report.mib(rssBefore) + " before, " + Report.mib(rssAfter) + " after");
            report.row(server + " CPU", gwCpu0 == null ? "n/a" : Report.fixed(serverCores, 2) + " cores, "
                    + Report.fixed(cpuPerDelivery, 2) + " us per delivery");
            report.row("redis CPU", redisCpu0 == null ? "n/a" : Report.fixed(figures.redisCores(), 2) + " cores (pid "
                    + rig.redis.get().pid() + ")");
            report.row("bench (client)", client.describe() + " (client loops, then the publisher's)");
            report.row(server + " stats", stats);
            String problems = fleet.problems() + (publisher.failures().isEmpty() ? "" : "\n" + publisher.failures());
            report.row("problems", problems.isBlank() ? "none" : problems.strip());
            return new Outcome(figures, report, missing == 0 && duplicates == 0 && fleet.failedCount() == 0);
        }
    }
}
