package io.heliograph.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.heliograph.client.HeliographPublisher;
import io.heliograph.core.publish.RedisScript;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The publish API under load: N concurrent HTTP clients on keep-alive connections, each sending its next
 * {@code POST /api/events} (or {@code /api/events/batch}) as soon as the previous one is answered, for a fixed
 * duration after a warm-up. Prints events/s, latency per request, the status counts and the CPU the relay and
 * Redis used; with {@code --ceiling} also Redis's own ceiling for the same publish script (redis-benchmark
 * running it with EVALSHA), the ratio to aim at. Lift the relay's per-key rate limit for a measurement
 * ({@code HELIOGRAPH_RELAY_RATE_LIMIT=10000000}), or the 429s measure the limiter.
 */
final class PublishWorkload {

    private static final Pattern BENCHMARK_RATE = Pattern.compile("([0-9.]+) requests per second");

    private PublishWorkload() {
    }

    static int run(Args args) {
        URI url = URI.create(args.string("url", "http://127.0.0.1:8081"));
        String key = args.string("key", System.getenv().getOrDefault("HELIOGRAPH_PUBLISHER_KEY", "dev-publisher-key"));
        int concurrency = args.integer("concurrency", 64, 1, 10_000);
        int batch = args.integer("batch", 0, 0, 1000);
        int duration = args.integer("duration", 20, 1, 600);
        int warmup = args.integer("warmup", 5, 0, 120);
        int channels = args.integer("channels", 16, 1, 100_000);
        String namespace = args.string("namespace", "recipes");
        int payloadBytes = args.integer("payload-bytes", 100, 0, 60_000);
        boolean ids = args.flag("ids");
        int eventLoops = args.integer("event-loops", 1, 1, 16);
        long relayPid = args.longValue("relay-pid", 0, 0, Long.MAX_VALUE);
        URI redisUrl = URI.create(args.string("redis", System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")));
        boolean ceiling = args.flag("ceiling");
        String via = args.string("via", "http");
        args.refuseUnknown();
        if (!via.equals("http") && !via.equals("publisher-client")) {
            throw new IllegalArgumentException("--via is http (a lean Vert.x client) or publisher-client (the Java "
                    + "publisher, publisher-client/core), not " + via);
        }
        Loopback.require("--url", url.getHost());
        Loopback.require("--redis", redisUrl.getHost());
        int port = url.getPort() > 0 ? url.getPort() : 80;

        Optional<ProcessProbe> relay = relayPid > 0 ? Optional.of(new ProcessProbe(relayPid))
                : Processes.listening(port).map(ProcessProbe::new);
        Optional<ProcessProbe> redis = Processes.redis(redisUrl.getPort() > 0 ? redisUrl.getPort() : 6379);
        String run = UUID.randomUUID().toString().substring(0, 6);
        String path = batch > 0 ? "/api/events/batch" : "/api/events";
        String data = "\"" + "x".repeat(payloadBytes) + "\"";

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setDefaultHost(url.getHost()).setDefaultPort(port), new PoolOptions().setHttp1MaxSize(concurrency));
        Histogram latency = Histograms.micros();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder events = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(concurrency);
        AtomicLong sequence = new AtomicLong();

        Report report = new Report("publish: " + concurrency + " clients, " + (batch > 0 ? "batches of " + batch
                : "single events") + ", " + duration + " s" + (via.equals("http") ? "" : ", via " + via));
        HeliographPublisher javaPublisher = via.equals("publisher-client")
                ? PublisherClientLoop.publisher(url, key, concurrency) : null;
        Machine.describe(report);
        try {
            for (int c = 0; c < concurrency; c++) {
                String channel = namespace + ".bench-" + run + "-" + (c % channels);
                if (javaPublisher != null) {
                    // The publisher writes the data itself: the same 100 x's, as a JSON string.
                    new PublisherClientLoop(javaPublisher, channel, batch, "x".repeat(payloadBytes), sequence, latency,
                            statuses, events, errors, measuring, running, stopped).next();
                    continue;
                }
                new Client(http, path, key, channel, batch, data, ids, sequence, latency, statuses, events, errors,
                        measuring, running, stopped).next();
            }
            sleepSeconds(warmup);
            ProcessProbe.CpuSample relayStart = relay.map(ProcessProbe.CpuSample::of).orElse(null);
            ProcessProbe.CpuSample redisStart = redis.map(ProcessProbe.CpuSample::of).orElse(null);
            ProcessProbe.CpuSample selfStart = ProcessProbe.CpuSample.of(ProcessProbe.self());
            long start = System.nanoTime();
            measuring.set(true);
            sleepSeconds(duration);
            measuring.set(false);
            long elapsed = System.nanoTime() - start;
            ProcessProbe.CpuSample selfEnd = ProcessProbe.CpuSample.of(ProcessProbe.self());
            running.set(false);

            report.section("result (after " + warmup + " s warm-up)");
            report.row("events/s", Report.rate(events.sum(), elapsed));
            report.row("requests/s", Report.rate(latency.getTotalCount(), elapsed));
            report.row("latency per request", Histograms.summary(latency));
            Map<Integer, Long> counts = new TreeMap<>();
            statuses.forEach((status, n) -> counts.put(status, n.sum()));
            long non2xx = counts.entrySet().stream().filter(e -> e.getKey() < 200 || e.getKey() > 299)
                    .mapToLong(Map.Entry::getValue).sum();
            report.row("status counts", counts + (errors.sum() > 0 ? ", " + errors.sum() + " without answer" : ""));
            report.row("non-2xx", non2xx + errors.sum());
            report.section("CPU (cores busy while measuring)");
            report.row("relay", relay.map(p -> Report.fixed(relayStart.coresUntil(ProcessProbe.CpuSample.of(p)), 2)
                    + " (pid " + p.pid() + ", " + p.jdk() + ", " + p.jvmFlags() + ")").orElse("not found (--relay-pid)"));
            report.row("redis", redis.map(p -> Report.fixed(redisStart.coresUntil(ProcessProbe.CpuSample.of(p)), 2)
                    + " (pid " + p.pid() + ")").orElse("not found"));
            report.row("bench", Report.fixed(selfStart.coresUntil(selfEnd), 2));
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                report.row("warning", stopped.getCount() + " clients still waiting for an answer after 30 s");
            }
            if (ceiling) {
                report.section("Redis's own ceiling: redis-benchmark, the publish script with EVALSHA, "
                        + Math.max(1, batch) + " event(s) a call");
                for (int[] shape : new int[][] {{50, 1}, {50, 16}}) {
                    report.row("-c " + shape[0] + " -P " + shape[1], redisCeiling(redisUrl, shape[0], shape[1],
                            Math.max(1, batch), data));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (javaPublisher != null) {
                javaPublisher.close();
            }
            http.close();
            vertx.close();
        }
        report.print(System.out);
        return 0;
    }

    /** One keep-alive client: the next request leaves as soon as the previous one is answered. */
    private record Client(HttpClient http, String path, String key, String channel, int batch, String data,
            boolean ids, AtomicLong sequence, Histogram latency, Map<Integer, LongAdder> statuses, LongAdder events,
            LongAdder errors, AtomicBoolean measuring, AtomicBoolean running, CountDownLatch stopped) {

        void next() {
            if (!running.get()) {
                stopped.countDown();
                return;
            }
            Buffer body = Buffer.buffer(batch > 0 ? batchBody() : event());
            boolean measured = measuring.get();
            long sent = System.nanoTime();
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                            .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().map(ignored -> response.statusCode()))
                    .onComplete(result -> {
                        if (measured && measuring.get()) {
                            Histograms.recordNanos(latency, System.nanoTime() - sent);
                            if (result.succeeded()) {
                                statuses.computeIfAbsent(result.result(), s -> new LongAdder()).increment();
                                if (result.result() / 100 == 2) {
                                    events.add(Math.max(1, batch));
                                }
                            } else {
                                errors.increment();
                            }
                        }
                        next();
                    });
        }

        private String event() {
            String id = "";
            if (ids) {
                id = ",\"id\":\"" + channel + "-" + sequence.incrementAndGet() + "\"";
            }
            return "{\"channel\":\"" + channel + "\",\"type\":\"bench\",\"data\":" + data + id + "}";
        }

        private String batchBody() {
            StringBuilder json = new StringBuilder("{\"events\":[");
            for (int i = 0; i < batch; i++) {
                json.append(i == 0 ? "" : ",").append(event());
            }
            return json.append("]}").toString();
        }
    }

    /** The password in a {@code redis://[user]:password@host} URL, or null. */
    private static String redisPassword(URI redisUrl) {
        String info = redisUrl.getUserInfo();
        if (info == null || info.isEmpty()) {
            return null;
        }
        return info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
    }

    /** redis-benchmark running the publish script (EVALSHA) on one throwaway channel; "n/a" without redis-benchmark. */
    private static String redisCeiling(URI redisUrl, int clients, int pipeline, int eventsPerCall, String data) {
        RedisScript script = RedisScript.load(RedisScript.PUBLISH);
        String host = redisUrl.getHost();
        String port = Integer.toString(redisUrl.getPort() > 0 ? redisUrl.getPort() : 6379);
        String channel = "recipes.bench-ceiling";
        try {
            String password = redisPassword(redisUrl);
            ProcessBuilder loader = new ProcessBuilder("redis-cli", "-h", host, "-p", port, "SCRIPT", "LOAD", script.source())
                    .redirectErrorStream(true);
            if (password != null) {
                loader.environment().put("REDISCLI_AUTH", password);
            }
            Process load = loader.start();
            load.getInputStream().readAllBytes();
            load.waitFor(20, TimeUnit.SECONDS);
            String envelope = "{\"specversion\":\"1.0\",\"id\":\"ceiling\",\"source\":\"/bench\",\"type\":\"bench\","
                    + "\"time\":\"2026-01-01T00:00:00.000Z\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
            List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", host, "-p", port, "-q",
                    "-c", Integer.toString(clients), "-P", Integer.toString(pipeline), "-n", Integer.toString(
                            Math.max(20_000, 400_000 / eventsPerCall)), "EVALSHA", script.sha1(), "4",
                    "hg:{" + channel + "}:offset", "hg:{" + channel + "}:epoch", "hg:{" + channel + "}:history",
                    "hg:{" + channel + "}", channel, "100", "3600", "ceiling", "PUBLISH", "86400000"));
            for (int i = 0; i < eventsPerCall; i++) {
                command.add(envelope);
                command.add("0");
            }
            if (password != null) {
                // redis-benchmark reads no REDISCLI_AUTH; a loopback benchmark may show it in ps
                command.addAll(1, List.of("-a", password));
            }
            Process bench = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!bench.waitFor(300, TimeUnit.SECONDS)) {
                bench.destroyForcibly();
                return "redis-benchmark did not finish";
            }
            Matcher rate = BENCHMARK_RATE.matcher(out);
            String last = null;
            while (rate.find()) {
                last = rate.group(1);
            }
            if (last == null) {
                return "no figure from redis-benchmark: " + out.strip();
            }
            double calls = Double.parseDouble(last);
            return String.format(Locale.ROOT, "%,.0f calls/s = %,.0f events/s", calls, calls * eventsPerCall);
        } catch (IOException e) {
            return "n/a (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void sleepSeconds(int seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(seconds);
    }
}
