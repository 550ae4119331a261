package io.heliograph.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The consumer-monitor pipeline end to end: messages produced to a Kafka topic as fast as the
 * broker takes them, measured until their {@code processing-completed} frames arrive on a
 * WebSocket client subscribed to {@code consumer.events} through the gateway.
 *
 * <p>consumer-monitor-service names each record {@code logId = <topic>-<partition>-<offset>}
 * (its {@code RecordId}); the bench builds the same id from the producer's acknowledgement, so
 * every frame is matched to the send time of its message. Other traffic on the channel (other
 * topics) is ignored. The monitor must consume the topic: start it with
 * {@code HELIOGRAPH_MONITOR_TOPICS=<topic>}. A first warm-up message proves it does before the
 * clock starts.
 *
 * <p>The monitor itself ({@code --monitor}, its HTTP address) is read before and after: its CPU time (the
 * process listening on that port, or {@code --monitor-pid}), its Redis round trips
 * ({@code heliograph_monitor_redis_round_trips_total}) per message, and the consumer lag it reports at the end.
 */
final class KafkaWorkload {

    private KafkaWorkload() {
    }

    static int run(Args args) {
        int messages = args.integer("messages", 10_000, 1, 1_000_000);
        String topic = args.string("topic", "bench-kafka");
        String bootstrap = args.string("bootstrap", System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        int partitions = args.integer("partitions", 1, 1, 64);
        String channel = args.string("events-channel", "consumer.events");
        int timeoutSeconds = args.integer("timeout", 300, 1, 900);
        int warmupSeconds = args.integer("warmup-timeout", 90, 1, 600);
        URI monitorUrl = Loopback.requireUri("--monitor", args.string("monitor", "http://127.0.0.1:8083"));
        long monitorPid = args.longValue("monitor-pid", 0, 0, Long.MAX_VALUE);
        for (String server : bootstrap.split(",")) {
            Loopback.require("--bootstrap", server.substring(0, server.lastIndexOf(':')));
        }
        try (Rig rig = new Rig(args)) {
            args.refuseUnknown();
            rig.startWatchdog(rig.connectTimeoutMillis / 1000 + warmupSeconds + timeoutSeconds + 30);
            String logIdPrefix = topic + "-";
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            Map<String, Long> completedAt = new ConcurrentHashMap<>();
            Map<String, Long> failedAt = new ConcurrentHashMap<>();
            Fleet fleet = new Fleet(rig.vertx, rig.url, 1, 1, 1, rig.connectTimeoutMillis, (connection, frame, now) -> {
                JsonObject event = frame.toJsonObject().getJsonObject("event", new JsonObject());
                Object data = event.getValue("data");
                String logId = data instanceof JsonObject json ? json.getString("logId", "") : "";
                if (!logId.startsWith(logIdPrefix)) {
                    return;
                }
                switch (event.getString("type", "")) {
                    case "processing-completed" -> completedAt.putIfAbsent(logId, now);
                    case "processing-failed" -> failedAt.putIfAbsent(logId, now);
                    default -> {
                        // message-received, processing-started: not measured
                    }
                }
            });
            fleet.open(List.of(channel), 1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2L * rig.connectTimeoutMillis));
            if (fleet.subscribedCount() != 1) {
                throw new IllegalStateException("cannot subscribe to " + channel + " at " + rig.url + ": " + fleet.problems());
            }
            int topicPartitions = createTopic(bootstrap, topic, partitions);

            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                String run = Rig.runId();
                System.err.printf("kafka: warm-up message to %s, waiting up to %d s for its processing-completed ...%n", topic, warmupSeconds);
                send(producer, topic, run, -1, sentAt, new LongAdder(), new LongAccumulator(Math::max, Long.MIN_VALUE), new LongAdder());
                long warmupDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
                while (finished(sentAt, completedAt, failedAt) < 1 && System.nanoTime() < warmupDeadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
                if (finished(sentAt, completedAt, failedAt) < 1) {
                    throw new IllegalStateException("no processing-completed for the warm-up message on " + channel + " within "
                            + warmupSeconds + " s: is consumer-monitor-service running with HELIOGRAPH_MONITOR_TOPICS=" + topic + "?");
                }
                sentAt.clear();
                Optional<ProcessProbe> monitor = monitorPid > 0 ? Optional.of(new ProcessProbe(monitorPid))
                        : Processes.listening(Rig.port(monitorUrl)).map(ProcessProbe::new);
                long monitorCpuBefore = monitor.map(ProcessProbe::cpuNanos).orElse(0L);
                double roundTripsBefore = roundTrips(rig, monitorUrl);

                System.err.printf("kafka: producing %d messages to %s ...%n", messages, topic);
                LongAdder acked = new LongAdder();
                LongAdder produceErrors = new LongAdder();
                LongAccumulator lastAck = new LongAccumulator(Math::max, Long.MIN_VALUE);
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    send(producer, topic, run, i, sentAt, acked, lastAck, produceErrors);
                }
                producer.flush();
                long produced = System.nanoTime();
                long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                System.err.printf("kafka: %d acknowledged, waiting up to %d s for their processing-completed ...%n", acked.sum(), timeoutSeconds);
                while (finished(sentAt, completedAt, failedAt) < acked.sum()
                        && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
                // Matched at the end, because a frame may arrive before the producer's acknowledgement names its logId.
                Histogram latency = Histograms.micros();
                long completed = 0;
                long failed = 0;
                long end = start;
                for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
                    Long done = completedAt.get(sent.getKey());
                    if (done != null) {
                        completed++;
                        end = Math.max(end, done);
                        Histograms.recordNanos(latency, done - sent.getValue());
                    } else if (failedAt.containsKey(sent.getKey())) {
                        failed++;
                    }
                }
                String stats = rig.gatewayStats();
                long monitorCpu = monitor.map(ProcessProbe::cpuNanos).orElse(0L) - monitorCpuBefore;
                double roundTrips = roundTrips(rig, monitorUrl) - roundTripsBefore;
                String monitorStats = get(rig, monitorUrl, "/api/stats");
                Connection connection = fleet.connections().get(0);
                fleet.closeAll(TimeUnit.SECONDS.toNanos(5));

                Report report = new Report("KAFKA pipeline: " + messages + " messages -> consumer-monitor-service -> Redis -> gateway -> WebSocket");
                Machine.describe(report);
                rig.describeGateway(report);
                report.row("topic", topic + " (" + topicPartitions + " partition(s)), bootstrap " + bootstrap);
                report.section("producing (acks=all, linger 5 ms)");
                report.row("acknowledged", acked.sum() + " of " + messages + " (errors " + produceErrors.sum() + ")");
                report.row("produce rate", Report.rate(acked.sum(), Math.max(produced, lastAck.get()) - start));
                report.section("processing-completed on " + channel);
                report.row("completed", completed + " of " + acked.sum() + " (processing-failed " + failed + ")");
                report.row("pipeline throughput", Report.rate(completed, end - start) + " (first send to last processing-completed)");
                report.row("latency send->completed", Histograms.summary(latency));
                report.row("frames on the channel", connection.received + " received, " + connection.missing
                        + " offset gap(s), " + connection.duplicates + " duplicate(s)");
                report.section("consumer-monitor-service at " + monitorUrl);
                report.row("monitor CPU", monitor.isEmpty() ? "process not found (give --monitor-pid)"
                        : String.format("%.2f s over the run = %.2f cores (pid %d)", monitorCpu / 1e9,
                                monitorCpu / (double) Math.max(1, end - start), monitor.get().pid()));
                report.row("Redis round trips", Double.isNaN(roundTrips) ? "unknown (no heliograph_monitor_redis_round_trips_total)"
                        : String.format("%.0f for %d messages = %.4f per message", roundTrips, completed + failed,
                                roundTrips / Math.max(1, completed + failed)));
                report.row("lag at the end", lagOf(monitorStats));
                report.row("gateway /api/stats", stats);
                String problems = fleet.problems();
                report.row("problems", problems.isBlank() ? "none" : problems);
                report.print(System.out);
                return completed == messages ? 0 : 1;
            }
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String run, int index, Map<String, Long> sentAt,
            LongAdder acked, LongAccumulator lastAck, LongAdder errors) {
        String value = new JsonObject().put("id", run + "-" + index).put("amount", 10 + index % 1000 / 100.0)
                .put("currency", "EUR").put("source", "heliograph-bench").encode();
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, run + "-" + index, value), (metadata, error) -> {
            if (error != null) {
                errors.increment();
                return;
            }
            sentAt.put(metadata.topic() + "-" + metadata.partition() + "-" + metadata.offset(), sent);
            acked.increment();
            lastAck.accumulate(System.nanoTime());
        });
    }

    /** The monitor's Redis round trips so far (its Prometheus counter), NaN when it has none. */
    private static double roundTrips(Rig rig, URI monitor) {
        Matcher m = Pattern.compile("(?m)^heliograph_monitor_redis_round_trips_total(\\{[^}]*\\})? ([0-9.E+]+)$")
                .matcher(get(rig, monitor, "/q/metrics"));
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    /** {@code totalLag} and the lag per partition from the monitor's {@code /api/stats}. */
    private static String lagOf(String stats) {
        try {
            JsonObject json = new JsonObject(stats);
            return json.getLong("totalLag") + " records in total, per partition " + json.getJsonObject("lag");
        } catch (RuntimeException e) {
            return "unknown: " + stats;
        }
    }

    private static String get(Rig rig, URI base, String path) {
        HttpClient http = rig.vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
        try {
            return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost()).setPort(Rig.port(base))
                            .setURI(path).setTimeout(5000))
                    .compose(request -> request.send())
                    .compose(response -> response.body())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
        } catch (Exception e) {
            return "unavailable: " + e.getMessage();
        } finally {
            http.close();
        }
    }

    /** How many of the messages sent so far have finished (completed or failed) on the channel. */
    private static long finished(Map<String, Long> sentAt, Map<String, Long> completedAt, Map<String, Long> failedAt) {
        return sentAt.keySet().stream().filter(id -> completedAt.containsKey(id) || failedAt.containsKey(id)).count();
    }

    /** Creates the topic unless it exists (the broker may have auto-created it); returns its partition count. */
    private static int createTopic(String bootstrap, String topic, int partitions) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(config)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
                }
            }
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create or describe topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
