package io.heliograph.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * {@code compare}: the plain-Netty floor (shared/peers/jvm-floor, built from a copy) and the
 * packaged gateway, each started fresh for every workload with the same JVM and flags, the
 * workloads run against them alternately (the order flips every round), and per workload the
 * medians over the rounds and the ratio gateway / floor printed. The floor is a measuring
 * instrument: the bench builds and runs it, it is not part of the project.
 */
final class Compare {

    static final String DEFAULT_JVM_FLAGS = "-Xms256m -Xmx1g -XX:+UseParallelGC";

    /** The workloads {@code compare} knows, in the order it runs them. */
    static final Map<String, FanOutWorkload.Defaults> WORKLOADS = new LinkedHashMap<>();

    static {
        for (FanOutWorkload.Defaults d : List.of(FanOutWorkload.W0, FanOutWorkload.W1, FanOutWorkload.W2, FanOutWorkload.W3)) {
            WORKLOADS.put(d.name(), d);
        }
    }

    /** The options of a compare run, beside the workload and client options that {@link FanOutWorkload.Spec} and {@link Rig} read. */
    record Options(List<FanOutWorkload.Defaults> workloads, int rounds, List<String> serverJvmFlags, String serverJava,
            Path gatewayApp, String gatewayLabel, Path floorSource, int floorEventLoops, Path out) {

        static Options from(Args args, Path repo) {
            List<FanOutWorkload.Defaults> workloads = new ArrayList<>();
            for (String name : args.string("workloads", String.join(",", WORKLOADS.keySet())).split(",")) {
                FanOutWorkload.Defaults d = WORKLOADS.get(name.trim().toLowerCase(Locale.ROOT));
                if (d == null) {
                    throw new IllegalArgumentException("--workloads: unknown workload '" + name + "' (known: "
                            + String.join(", ", WORKLOADS.keySet()) + ")");
                }
                workloads.add(d);
            }
            List<String> flags = Arrays.stream(args.string("server-jvm-flags", DEFAULT_JVM_FLAGS).trim().split("\\s+"))
                    .filter(f -> !f.isEmpty()).toList();
            for (String flag : flags) {
                if (!flag.startsWith("-")) {
                    throw new IllegalArgumentException("--server-jvm-flags: '" + flag + "' is not a JVM option");
                }
            }
            Path app = Path.of(args.string("gateway-app", repo.resolve("gateway-service/target/quarkus-app").toString()))
                    .toAbsolutePath().normalize();
            return new Options(workloads,
                    args.integer("rounds", 3, 1, 10),
                    flags,
                    args.string("server-java", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                    app,
                    args.string("gateway-label", ""),
                    Path.of(args.string("floor-src", repo.resolve("../shared/peers/jvm-floor").toString())).toAbsolutePath().normalize(),
                    args.integer("floor-event-loops", 2, 1, 64),
                    Path.of(args.string("out", Path.of(System.getProperty("java.io.tmpdir"), "hg-compare-" + Rig.runId()).toString())));
        }
    }

    private static final ServerProcess.Kind[] FLOOR_FIRST = {ServerProcess.Kind.FLOOR, ServerProcess.Kind.GATEWAY};
    private static final ServerProcess.Kind[] GATEWAY_FIRST = {ServerProcess.Kind.GATEWAY, ServerProcess.Kind.FLOOR};

    private Compare() {
    }

    /** Which server goes first in a round (1-based): the floor in odd rounds, the gateway in even ones. */
    static ServerProcess.Kind[] order(int round) {
        return round % 2 == 1 ? FLOOR_FIRST : GATEWAY_FIRST;
    }

    static int run(Args args, String[] argv) {
        Path repo = repoRoot();
        Options options = Options.from(args, repo);
        List<FanOutWorkload.Spec> specs = new ArrayList<>();
        for (FanOutWorkload.Defaults d : options.workloads()) {
            specs.add(FanOutWorkload.Spec.from(d, args, d == FanOutWorkload.W3));
        }
        Rig.checkConnections(specs.stream().mapToInt(FanOutWorkload.Spec::connections).max().orElse(0));
        // Reads (and so validates) the client options once before anything is built or started.
        try (Rig probe = new Rig(args, new Rig.Target(java.net.URI.create("ws://127.0.0.1:1/ws"), ProcessHandle.current().pid(),
                Fleet.Protocol.FLOOR))) {
            args.refuseUnknown();
            long perRun = specs.stream().mapToLong(s -> s.estimatedSeconds(probe) + 90).max().orElse(0);
            Rig.hardStop(perRun * specs.size() * 2L * options.rounds() + 600, "the compare run");
        }
        try {
            Files.createDirectories(options.out());
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + options.out() + ": " + e.getMessage());
        }
        // A stopped compare (Ctrl-C, SIGTERM) must not leave a server running on its port.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        Path floorJar = buildFloor(options);
        Path gatewayJar = gatewayCopy(options, repo);
        String gatewayLabel = options.gatewayLabel().isEmpty() ? describeSource(options.gatewayApp()) : options.gatewayLabel();
        String redisUrl = args.string("redis", System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        if (java.net.URI.create(redisUrl).getUserInfo() != null) {
            throw new IllegalArgumentException("--redis " + redisUrl.replaceAll("//[^@/]*@", "//***@")
                    + " has a password and the floor speaks no AUTH: run bench/run.sh compare without --redis "
                    + "(it starts a private Redis) or give a Redis without a password");
        }

        Map<String, Map<ServerProcess.Kind, List<Figures>>> results = new LinkedHashMap<>();
        Map<ServerProcess.Kind, String> runtime = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        boolean clean = true;
        Instant started = Instant.now();
        for (int round = 1; round <= options.rounds(); round++) {
            for (FanOutWorkload.Spec spec : specs) {
                for (ServerProcess.Kind kind : order(round)) {
                    String name = spec.workload().name() + "-r" + round + "-" + kind.label();
                    Path jar = kind == ServerProcess.Kind.FLOOR ? floorJar : gatewayJar;
                    Map<String, String> env = kind == ServerProcess.Kind.FLOOR
                            ? Map.of("EVENT_LOOPS", Integer.toString(options.floorEventLoops())) : Map.of();
                    System.err.printf("compare: round %d/%d, %s against the %s ...%n", round, options.rounds(),
                            spec.workload().name(), kind.label());
                    try (ServerProcess server = ServerProcess.start(kind, options.serverJava(), options.serverJvmFlags(), jar,
                            redisUrl, env, options.out().resolve(name + ".log"));
                         Rig rig = new Rig(args, server.target())) {
                        ProcessProbe probe = rig.gateway.orElseThrow();
                        runtime.computeIfAbsent(kind, k -> probe.jdk() + "; flags " + String.join(" ", probe.jvmFlags())
                                + "; effective " + probe.effectiveGcFlags().orElse("?"));
                        rig.startWatchdog(spec.estimatedSeconds(rig));
                        FanOutWorkload.Outcome outcome = FanOutWorkload.measure(rig, spec);
                        clean &= outcome.clean();
                        write(options.out().resolve(name + ".txt"), outcome.report());
                        results.computeIfAbsent(spec.workload().name(), k -> byKind()).get(kind).add(outcome.figures());
                        System.err.println("compare: " + name + ": " + oneLine(outcome.figures()));
                    } catch (RuntimeException e) {
                        clean = false;
                        failures.add(name + ": " + e.getMessage());
                        System.err.println("compare: " + name + " FAILED: " + e.getMessage());
                    }
                    Rig.sleep(Duration.ofSeconds(2));
                }
            }
        }

        Report header = new Report("compare: floor vs gateway, " + options.rounds() + " round(s), medians; ratio = gateway / floor");
        Machine.describe(header);
        header.row("command", "bench/run.sh " + String.join(" ", argv));
        header.row("server java", options.serverJava());
        header.row("server JVM flags", String.join(" ", options.serverJvmFlags()) + " (both servers)");
        runtime.forEach((kind, text) -> header.row(kind.label() + " runtime", text));
        header.row("gateway", gatewayLabel + " (" + options.gatewayApp() + ", copied to " + gatewayJar.getParent() + ")");
        header.row("floor", options.floorSource() + " built into " + floorJar + ", EVENT_LOOPS=" + options.floorEventLoops());
        header.row("order", "round 1 floor first, then alternating; a fresh server process per workload and server");
        header.row("wall time", Duration.between(started, Instant.now()).toSeconds() + " s; per-run reports and server logs in "
                + options.out());
        header.row("failures", failures.isEmpty() ? "none" : String.join("\n", failures));
        StringBuilder text = new StringBuilder();
        for (FanOutWorkload.Spec spec : specs) {
            Map<ServerProcess.Kind, List<Figures>> byKind = results.get(spec.workload().name());
            if (byKind != null) {
                text.append(table(spec, byKind.get(ServerProcess.Kind.FLOOR), byKind.get(ServerProcess.Kind.GATEWAY)));
            }
        }
        header.print(System.out);
        System.out.print(text);
        System.out.flush();
        try (PrintStream summary = new PrintStream(Files.newOutputStream(options.out().resolve("summary.txt")), true,
                StandardCharsets.UTF_8)) {
            header.print(summary);
            summary.print(text);
        } catch (IOException e) {
            System.err.println("compare: could not write summary.txt: " + e.getMessage());
        }
        return clean ? 0 : 1;
    }

    /** The rounds of one workload, per server. */
    private static Map<ServerProcess.Kind, List<Figures>> byKind() {
        Map<ServerProcess.Kind, List<Figures>> map = new LinkedHashMap<>();
        map.put(ServerProcess.Kind.FLOOR, new ArrayList<>());
        map.put(ServerProcess.Kind.GATEWAY, new ArrayList<>());
        return map;
    }

    /** One figure of the table: its label and how to read it from a run. */
    record Metric(String label, ToDoubleFunction<Figures> value) {
    }

    static final List<Metric> METRICS = List.of(
            new Metric("latency p50 (ms)", Figures::p50Ms),
            new Metric("latency p99 (ms)", Figures::p99Ms),
            new Metric("latency p99.9 (ms)", Figures::p999Ms),
            new Metric("deliveries/s", Figures::deliveriesPerSecond),
            new Metric("loss (% of expected)", Figures::lossPercent),
            new Metric("server CPU / delivery (us)", Figures::serverCpuMicrosPerDelivery),
            new Metric("server CPU (cores)", Figures::serverCores),
            new Metric("RSS / conn (KiB, after GC)", Figures::rssPerConnectionKiB),
            new Metric("live heap / conn (KiB)", Figures::heapPerConnectionKiB),
            new Metric("connect-all (s)", Figures::connectAllSeconds),
            new Metric("publish->Redis ack p99 (ms)", Figures::publishAckP99Ms),
            new Metric("redis CPU (cores)", Figures::redisCores),
            new Metric("client CPU (cores)", Figures::clientCores),
            new Metric("client busiest loop (%)", f -> f.clientBusiestLoop() * 100),
            new Metric("client loop lag p99 (ms)", Figures::clientLagP99Ms),
            new Metric("load average (1 min)", Figures::loadAverage));

    /** The printed comparison of one workload. */
    static String table(FanOutWorkload.Spec spec, List<Figures> floor, List<Figures> gateway) {
        StringBuilder text = new StringBuilder();
        text.append("\n== ").append(spec.title()).append('\n');
        text.append(String.format(Locale.ROOT, "  %-28s %12s %12s %9s   %s%n", "figure (median of rounds)", "floor", "gateway",
                "gw/floor", "rounds: floor | gateway"));
        for (Metric metric : METRICS) {
            double[] f = floor.stream().mapToDouble(metric.value()).toArray();
            double[] g = gateway.stream().mapToDouble(metric.value()).toArray();
            double fm = Stats.median(f);
            double gm = Stats.median(g);
            text.append(String.format(Locale.ROOT, "  %-28s %12s %12s %9s   %s | %s%n", metric.label(), Stats.number(fm),
                    Stats.number(gm), Stats.ratioText(Stats.ratio(gm, fm)), rounds(f), rounds(g)));
        }
        text.append(String.format(Locale.ROOT, "  %-28s %s%n", "missing / duplicates",
                "floor " + lossText(floor) + " | gateway " + lossText(gateway)));
        text.append(String.format(Locale.ROOT, "  %-28s %s%n", "subscribed / failed",
                "floor " + connText(floor) + " | gateway " + connText(gateway)));
        long saturated = Stream.concat(floor.stream(), gateway.stream()).filter(Figures::clientSaturated).count();
        text.append(String.format(Locale.ROOT, "  %-28s %s%n", "client",
                saturated == 0 ? "not saturated in any of the " + (floor.size() + gateway.size()) + " runs (every loop below "
                        + Math.round(ClientLoad.SATURATED * 100) + "% busy and " + Math.round(ClientLoad.LATE_MS) + " ms lag p99)"
                        : "SATURATED in " + saturated + " of " + (floor.size() + gateway.size())
                        + " runs: a client event loop was above " + Math.round(ClientLoad.SATURATED * 100)
                        + "% busy or " + Math.round(ClientLoad.LATE_MS) + " ms late at p99, so those figures are the client's limit, not the server's"));
        return text.toString();
    }

    private static String rounds(double[] values) {
        return String.join(" ", Arrays.stream(values).mapToObj(Stats::number).toList());
    }

    private static String lossText(List<Figures> runs) {
        return String.join(" ", runs.stream().map(f -> f.missing() + "/" + f.duplicates()).toList());
    }

    private static String connText(List<Figures> runs) {
        return String.join(" ", runs.stream().map(f -> f.subscribed() + "/" + f.failed()).toList());
    }

    private static String oneLine(Figures f) {
        return String.format(Locale.ROOT, "p50 %s p99 %s p99.9 %s ms, %s deliveries/s, loss %d/%d of %d, %s us CPU/delivery, "
                        + "connect-all %s s, heap/conn %s KiB, client busiest loop %.0f%% lag p99 %s ms, load %s%s",
                Stats.number(f.p50Ms()), Stats.number(f.p99Ms()), Stats.number(f.p999Ms()), Stats.number(f.deliveriesPerSecond()),
                f.missing(), f.duplicates(), f.expected(), Stats.number(f.serverCpuMicrosPerDelivery()),
                Stats.number(f.connectAllSeconds()), Stats.number(f.heapPerConnectionKiB()), f.clientBusiestLoop() * 100,
                Stats.number(f.clientLagP99Ms()), Stats.number(f.loadAverage()), f.clientSaturated() ? " (CLIENT SATURATED)" : "");
    }

    /** Builds the floor from a copy of its sources (its folder is read-only), as its README says. */
    private static Path buildFloor(Options options) {
        Path source = options.floorSource();
        if (!Files.isRegularFile(source.resolve("pom.xml"))) {
            throw new IllegalArgumentException("--floor-src " + source + " has no pom.xml (the floor is shared/peers/jvm-floor)");
        }
        Path copy = options.out().resolve("jvm-floor");
        copyTree(source, copy, p -> !p.startsWith(source.resolve("target")));
        System.err.println("compare: building the floor in " + copy + " ...");
        exec(List.of("mvn", "-B", "-q", "-f", copy.resolve("pom.xml").toString(), "package", "-DskipTests"), copy,
                options.out().resolve("floor-build.log"));
        Path jar = copy.resolve("target/jvm-floor.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the floor build made no " + jar);
        }
        return jar;
    }

    /**
     * The packaged gateway, built when missing, copied into the output folder so that a rebuild
     * of the source tree during the run cannot change the server between rounds.
     */
    private static Path gatewayCopy(Options options, Path repo) {
        Path app = options.gatewayApp();
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            Path root = app.getParent() != null && app.getParent().getParent() != null ? app.getParent().getParent().getParent() : repo;
            System.err.println("compare: no " + app.resolve("quarkus-run.jar") + "; building the gateway in " + root + " ...");
            exec(List.of("mvn", "-B", "-q", "package", "-DskipTests", "-pl", "gateway-service", "-am"), root,
                    options.out().resolve("gateway-build.log"));
            if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException("the gateway build made no " + app.resolve("quarkus-run.jar"));
            }
        }
        Path copy = options.out().resolve("gateway-app");
        copyTree(app, copy, p -> true);
        return copy.resolve("quarkus-run.jar");
    }

    /** "git 0eef848 (+ uncommitted changes), jar built 2026-12-01T22:30Z" for the tree the app was built in. */
    static String describeSource(Path app) {
        Path root = app.getParent() != null && app.getParent().getParent() != null ? app.getParent().getParent().getParent() : app;
        String commit = capture(List.of("git", "-C", root.toString(), "log", "-1", "--format=%h %s"));
        String dirty = capture(List.of("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no"));
        String built;
        try {
            built = Files.getLastModifiedTime(app.resolve("quarkus-run.jar")).toInstant().toString();
        } catch (IOException e) {
            built = "?";
        }
        return "git " + (commit.isBlank() ? "?" : commit.strip()) + (dirty.isBlank() ? "" : " (+ uncommitted changes)")
                + ", jar built " + built;
    }

    private static String capture(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void exec(List<String> command, Path dir, Path log) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 15 min; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "); see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    private static void copyTree(Path from, Path to, java.util.function.Predicate<Path> include) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk.filter(include)::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().setWritable(true, true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from + " to " + to, e);
        }
    }

    private static void write(Path file, Report report) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            report.print(out);
        } catch (IOException e) {
            System.err.println("compare: could not write " + file + ": " + e.getMessage());
        }
    }

    /** The checkout the bench jar was built in (bench/target/heliograph-bench.jar), else the working directory. */
    static Path repoRoot() {
        try {
            Path jar = Path.of(Compare.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve("bench")) && Files.isDirectory(dir.resolve("gateway-service"))) {
                    return dir;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
