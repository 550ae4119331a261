package io.heliograph.monitor;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) running as a child process on
 * a random free port, so a test can run several real group members and kill them for real.
 */
public final class MonitorProcess implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The names one test run gives all its instances: its own topic, group, Redis keys and channels. */
    public record Run(String id, String topic) {

        public static Run create(int partitions) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            Run run = new Run(id, "hm-it-" + id);
            Kafka.createTopic(run.topic(), partitions);
            return run;
        }

        public String events() {
            return "consumer.events-" + id;
        }

        public String status() {
            return "consumer.status-" + id;
        }

        Map<String, String> properties() {
            return Map.of(
                    "heliograph.monitor.topics", topic,
                    "heliograph.monitor.group-id", "hm-it-group-" + id,
                    "heliograph.monitor.key-prefix", "monitor-it-" + id,
                    "heliograph.monitor.channels.events", events(),
                    "heliograph.monitor.channels.stats", "consumer.stats-" + id,
                    "heliograph.monitor.channels.status", status(),
                    // A killed member must leave the group quickly, or the survivors wait 45 s for its partitions.
                    "mp.messaging.incoming.records.session.timeout.ms", "6000",
                    "mp.messaging.incoming.records.heartbeat.interval.ms", "1000");
        }
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private MonitorProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts an instance named {@code consumerId} and waits until it is ready. */
    public static MonitorProcess start(Run run, String consumerId) {
        int port = freePort();
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the IT through mvn verify (after packaging)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx192m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port, "-Dheliograph.monitor.consumer-id=" + consumerId));
        run.properties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            Path log = logs.resolve(run.id() + "-" + consumerId + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            MonitorProcess instance = new MonitorProcess(consumerId, process, log, port);
            instance.awaitReady();
            return instance;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + consumerId, e);
        }
    }

    private void awaitReady() {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + tail());
                }
                return status("/q/health/ready") == 200;
            });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not become ready: " + tail(), e);
        }
    }

    public String name() {
        return name;
    }

    public JsonNode getJson(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return MAPPER.readTree(response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public String getText(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** SIGTERM: a graceful stop. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    /** SIGKILL: the process dies mid-work, announcing nothing and committing nothing. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
