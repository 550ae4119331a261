package io.heliograph.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * What every workload shares: the options naming the gateway, Redis and the client side, one
 * Vert.x with a few event loops, the probes of the gateway and Redis processes, and a watchdog
 * that ends the process if a run overstays its hard stop.
 */
final class Rig implements AutoCloseable {

    /** Connections one bench process may open; also bounded by its open-file limit. */
    static final int MAX_CONNECTIONS = 20_000;

    /**
     * Connect pace of {@code compare}: high enough that the handshakes in flight (256), i.e. the
     * server's handshake latency, set the connect-all time rather than the bench's pacing.
     */
    static final int COMPARE_CONNECT_RATE = 20_000;
    /** Connect phase deadline of {@code compare}, in seconds. */
    static final int COMPARE_CONNECT_DEADLINE_SECONDS = 180;

    final URI url;
    /** What the server under test speaks: the gateway's protocol, or the floor's minimal one. */
    final Fleet.Protocol protocol;
    final String redisUrl;
    final int eventLoops;
    final int connectRate;
    final int perAddress;
    final int connectTimeoutMillis;
    /** Longest connect phase in seconds; 0: the pacing time plus two connect timeouts. */
    private final int connectDeadlineSeconds;
    final Optional<ProcessProbe> gateway;
    final Optional<ProcessProbe> redis;
    final Vertx vertx;
    private final long hardStopSeconds;
    private volatile Thread watchdog;

    /** A server the bench started itself ({@code compare}): its URL, process and protocol replace --url and --gateway-pid. */
    record Target(URI url, long pid, Fleet.Protocol protocol) {
    }

    Rig(Args args) {
        this(args, null);
    }

    Rig(Args args, Target target) {
        this.url = target != null ? target.url()
                : Loopback.requireUri("--url", args.string("url", "ws://127.0.0.1:8080/ws"));
        if (!"ws".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be a ws:// URL, got " + url);
        }
        this.protocol = target != null ? target.protocol() : Fleet.Protocol.HELIOGRAPH;
        this.redisUrl = args.string("redis", System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        URI redisUri = Loopback.requireUri("--redis", redisUrl);
        this.eventLoops = args.integer("event-loops", 2, 1, 16);
        this.connectRate = args.integer("connect-rate", target != null ? COMPARE_CONNECT_RATE : 500, 1, 50_000);
        this.perAddress = args.integer("per-address", 900, 1, 60_000);
        this.connectTimeoutMillis = args.integer("connect-timeout", 10, 1, 120) * 1000;
        // compare connects as fast as the server takes it, so a slow server must not run into a deadline meant for pacing.
        this.connectDeadlineSeconds = args.integer("connect-deadline", target != null ? COMPARE_CONNECT_DEADLINE_SECONDS : 0, 0, 3_600);
        this.hardStopSeconds = args.longValue("hard-stop", 0, 0, 3_600);
        this.gateway = target != null ? Optional.of(new ProcessProbe(target.pid()))
                : Processes.gateway(args.longValue("gateway-pid", 0, 0, Long.MAX_VALUE), port(url));
        this.redis = Processes.redis(redisUri.getPort() > 0 ? redisUri.getPort() : 6379);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(2)
                .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    }

    /** When the connect phase of this many connections, started now, must be over. */
    long connectDeadlineNanos(int connections) {
        long seconds = connectDeadlineSeconds > 0 ? connectDeadlineSeconds
                : connections / connectRate + 2L * connectTimeoutMillis / 1000;
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) + (long) (connections * 1e9 / connectRate);
    }

    /** Upper bound of the connect phase in seconds, for the hard stop. */
    long connectPhaseSeconds(int connections) {
        return (connectDeadlineSeconds > 0 ? connectDeadlineSeconds : connections / connectRate + 2L * connectTimeoutMillis / 1000)
                + connections / connectRate + 1;
    }

    /** Refuses more connections than allowed or than the open-file limit can hold. */
    static void checkConnections(int connections) {
        long limit = Machine.openFileLimit();
        if (connections + 256L > limit) {
            throw new IllegalArgumentException(connections + " connections need an open-file limit above " + (connections + 256)
                    + " (now " + limit + "): run through bench/run.sh, which raises ulimit -n");
        }
    }

    /**
     * Ends the process if the run is still going after the hard stop (its own, or the estimate
     * given); {@link #close()} cancels it, so a compare run can go on to the next workload.
     */
    void startWatchdog(long estimatedSeconds) {
        long seconds = hardStopSeconds > 0 ? hardStopSeconds : Math.min(900, estimatedSeconds + 60);
        watchdog = hardStop(seconds, "the run");
    }

    /**
     * A daemon thread that, after the given time, ends the process and the servers it started
     * (a halt skips shutdown hooks, and a server left running would hold its port and CPU).
     */
    static Thread hardStop(long seconds, String what) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("heliograph-bench: hard stop after " + seconds + " s, ending " + what);
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(3);
        }, "bench-hard-stop");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The gateway process as the report shows it. */
    void describeGateway(Report report) {
        if (gateway.isEmpty()) {
            report.row("gateway process", "not found (give --gateway-pid): no RSS/CPU/JDK figures");
            return;
        }
        ProcessProbe probe = gateway.get();
        String server = serverLabel();
        report.row(server + " pid", probe.pid());
        report.row(server + " JDK", probe.jdk());
        List<String> flags = probe.jvmFlags();
        report.row(server + " JVM flags", flags.isEmpty() ? "(none)" : String.join(" ", flags));
        report.row(server + " GC (effective)", probe.effectiveGcFlags().orElse("unknown (jcmd not available)"));
    }

    /** "gateway" or "floor": what the report calls the server under test. */
    String serverLabel() {
        return protocol == Fleet.Protocol.FLOOR ? "floor" : "gateway";
    }

    /** {@code GET /api/stats} of the gateway ({@code /health} of the floor), or why it could not be read. */
    String gatewayStats() {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
        try {
            return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost()).setPort(port(url))
                            .setURI(protocol == Fleet.Protocol.FLOOR ? "/health" : "/api/stats").setTimeout(5000))
                    .compose(request -> request.send())
                    .compose(response -> response.body())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
        } catch (Exception e) {
            return "unavailable: " + e.getMessage();
        } finally {
            http.close();
        }
    }

    static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    /** A short random id that keeps this run's channels, topics and keys apart from everyone else's. */
    static String runId() {
        return io.heliograph.core.publish.Epochs.random().substring(0, 6);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client event loops, for their CPU use and lag (whether the load generator saturates). */
    List<io.netty.util.concurrent.EventExecutor> eventLoops() {
        return ClientLoad.loopsOf(vertx);
    }

    @Override
    public void close() {
        Thread dog = watchdog;
        if (dog != null) {
            dog.interrupt();
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
}
