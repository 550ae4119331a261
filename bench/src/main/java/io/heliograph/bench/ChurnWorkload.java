package io.heliograph.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.heliograph.testkit.Churn;

/**
 * {@code churn}: clients coming and going at random over one or more gateways for a set time (the
 * churn system test, longer), then what they left behind. Prints sessions/s, what the clients did,
 * the leaks found (presence entries, Redis subscriptions, {@code /api/stats} counters of the
 * churned channels) and each gateway's live heap after a full GC before, every
 * {@code --heap-every} seconds during, and after the run.
 *
 * <p>Options: {@code --url ws://127.0.0.1:P1/ws} and {@code --more-gateways ws://127.0.0.1:P2/ws[,...]}
 * (empty for one gateway), {@code --redis}, {@code --hard-stop},
 * {@code --duration S} (600), {@code --clients N} at once (200), {@code --rate SESSIONS_PER_S}
 * (150), {@code --rooms N} presence channels (5), {@code --channels N} plain ones (5),
 * {@code --warmup S} (15), {@code --heap-every S} (120), {@code --settle S} (10: how long the
 * leftovers get to disappear), {@code --seed N}.
 */
final class ChurnWorkload {

    private ChurnWorkload() {
    }

    static int run(Args args) {
        try (Rig rig = new Rig(args)) {
            return run(rig, args);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("churn run failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("churn run interrupted", e);
        }
    }

    private static int run(Rig rig, Args args) throws java.io.IOException, InterruptedException {
        List<URI> gateways = new ArrayList<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        gateways.add(http(rig.url));
        pids.put(gateways.get(0).toString(), rig.gateway.map(ProcessProbe::pid)
                .orElseThrow(() -> new IllegalArgumentException("no gateway process found for " + rig.url + ": give --gateway-pid")));
        String more = args.string("more-gateways", "ws://127.0.0.1:8090/ws");
        for (String url : more.isBlank() ? new String[0] : more.split(",")) {
            URI ws = Loopback.requireUri("--more-gateways", url.trim());
            gateways.add(http(ws));
            pids.put(http(ws).toString(), Processes.listening(Rig.port(ws))
                    .orElseThrow(() -> new IllegalArgumentException("nothing listens on " + ws + ": start that gateway first")));
        }
        String redis = rig.redisUrl;
        long duration = args.longValue("duration", 600, 1, 3_600);
        int clients = args.integer("clients", 200, 1, 900);
        int rate = args.integer("rate", 150, 1, 5_000);
        int rooms = args.integer("rooms", 5, 0, 100);
        int plain = args.integer("channels", 5, 0, 100);
        long warmup = args.longValue("warmup", 15, 0, 600);
        long heapEvery = args.longValue("heap-every", 120, 10, 3_600);
        long settle = args.longValue("settle", 10, 1, 600);
        long seed = args.longValue("seed", System.nanoTime() & 0xffff, 0, Long.MAX_VALUE);
        args.refuseUnknown();
        if (rooms + plain == 0) {
            throw new IllegalArgumentException("--rooms and --channels cannot both be 0");
        }
        Rig.checkConnections(clients);
        // Each heap reading is two full GCs per gateway: a few seconds at most.
        rig.startWatchdog(warmup + duration + settle + (duration / heapEvery + 2) * 20);

        String run = Rig.runId();
        Report report = new Report("churn: " + clients + " clients at once, up to " + rate + " sessions/s, " + duration + " s");
        report.section("setup");
        report.row("gateways (pid)", pids);
        rig.describeGateway(report);
        report.row("channels", rooms + " chat rooms (presence) + " + plain + " recipes channels, run " + run);
        report.row("seed", seed);

        List<String> warmChannels = Churn.channels(run + "w", rooms, plain);
        if (warmup > 0) {
            Churn.run(new Churn.Plan(gateways, warmChannels, clients, rate, Duration.ofSeconds(warmup), seed + 1));
        }
        List<String> warmLeaks = Churn.awaitNoLeaks(redis, warmChannels, gateways, Duration.ofSeconds(settle));
        Map<String, Long> before = Churn.liveHeaps(pids);

        List<String> channels = Churn.channels(run, rooms, plain);
        List<String> samples = new ArrayList<>();
        long start = System.nanoTime();
        Churn.Tally total = null;
        for (long done = 0; done < duration; ) {
            long slice = Math.min(heapEvery, duration - done);
            Churn.Tally tally = Churn.run(new Churn.Plan(gateways, channels, clients, rate, Duration.ofSeconds(slice), seed + 2 + done));
            total = total == null ? tally : add(total, tally);
            done += slice;
            Map<String, Long> heaps = Churn.liveHeaps(pids);
            samples.add(String.format(java.util.Locale.ROOT, "t=%4d s  %5.0f sessions/s  live heap %s", done,
                    tally.sessionsPerSecond(), mib(heaps)));
        }
        total = new Churn.Tally(total.sessions(), total.beforeWelcome(), total.midSubscribe(), total.subscribedFirst(),
                total.resets(), total.closes(), total.refused(), total.failed(), Duration.ofNanos(System.nanoTime() - start));
        long settleStart = System.nanoTime();
        List<String> leaks = Churn.awaitNoLeaks(redis, channels, gateways, Duration.ofSeconds(settle));
        long settled = (System.nanoTime() - settleStart) / 1_000_000;
        Map<String, Long> after = Churn.liveHeaps(pids);

        report.section("clients");
        report.row("sessions", total.sessions());
        report.row("sessions/s", Report.fixed(total.sessions() / (total.elapsed().toNanos() / 1e9), 0)
                + " (includes the heap readings every " + heapEvery + " s)");
        report.row("what they did", total.toString());
        report.section("leaks");
        report.row("after warm-up", warmLeaks.isEmpty() ? "none" : String.join("\n", warmLeaks));
        report.row("after the run", leaks.isEmpty() ? "none (clean " + settled + " ms after the last client)" : String.join("\n", leaks));
        for (URI gateway : gateways) {
            report.row("/api/stats " + gateway.getPort(), Churn.stats(gateway));
        }
        report.section("live heap after full GC (jcmd GC.run x2, GC.heap_info)");
        report.row("before", mib(before));
        samples.forEach(s -> report.row("during", s));
        report.row("after", mib(after));
        Map<String, String> growth = new LinkedHashMap<>();
        after.forEach((g, bytes) -> growth.put(g, Report.fixed((bytes - before.get(g)) / (1024.0 * 1024.0), 2) + " MiB"));
        report.row("growth", growth);
        report.print(System.out);
        return leaks.isEmpty() ? 0 : 1;
    }

    private static Churn.Tally add(Churn.Tally a, Churn.Tally b) {
        return new Churn.Tally(a.sessions() + b.sessions(), a.beforeWelcome() + b.beforeWelcome(), a.midSubscribe() + b.midSubscribe(),
                a.subscribedFirst() + b.subscribedFirst(), a.resets() + b.resets(), a.closes() + b.closes(),
                a.refused() + b.refused(), a.failed() + b.failed(), a.elapsed().plus(b.elapsed()));
    }

    private static String mib(Map<String, Long> heaps) {
        Map<String, String> out = new LinkedHashMap<>();
        heaps.forEach((g, bytes) -> out.put(URI.create(g).getPort() + "", Report.mib(bytes)));
        return out.toString();
    }

    private static URI http(URI ws) {
        return URI.create("http://" + ws.getHost() + ":" + Rig.port(ws));
    }
}
