package io.heliograph.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private single-node Kafka broker (KRaft, the same Apache Kafka jars as {@code ./heliograph infra up}, declared
 * by {@code infra/kafka/pom.xml}) on free loopback ports, for tests that stop, kill or restart the broker: the
 * shared broker of everyone else's tests is never touched. Its data lives in a temporary directory that survives
 * {@link #stop()} and {@link #start()}; its log is {@code target/kafka-<port>.log} of the calling module.
 *
 * <p>The jars come from {@code HELIOGRAPH_KAFKA_LIB} (a directory of jars, as the launcher keeps in
 * {@code .heliograph/kafka/lib}) or else from the local Maven repository, resolved once with
 * {@code mvn -o dependency:build-classpath} into {@code target/kafka-classpath.txt}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final long STARTUP_MILLIS = 120_000;

    private final int port = ServiceProcess.freePort();
    private final int controllerPort = ServiceProcess.freePort();
    private final Path dir;
    private final Path config;
    private final String classpath;
    private Process process;

    /** Formats its storage and starts it; returns once it accepts connections. */
    public KafkaBroker() {
        try {
            dir = Files.createTempDirectory("hg-kafka-");
            config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=3",
                    "auto.create.topics.enable=true",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        classpath = classpath();
        run(List.of("kafka.tools.StorageTool", "format", "-t", clusterId(),
                "-c", config.toString()), "format");
        start();
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts it (again, on the same ports and data); returns once it accepts connections. */
    public void start() {
        List<String> command = java();
        command.addAll(List.of("-Xms128m", "-Xmx384m", "kafka.Kafka", config.toString()));
        try {
            Path log = Files.createDirectories(Path.of("target")).resolve("kafka-" + port + ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Kafka broker", e);
        }
        long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker on " + port + " exited with " + process.exitValue()
                        + " (see target/kafka-" + port + ".log)");
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("the Kafka broker on " + port + " did not start");
    }

    /** SIGTERM: a controlled shutdown; SIGKILL if it takes over 30 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private List<String> java() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "-Dkafka.logs.dir=" + dir.resolve("logs")));
    }

    private void run(List<String> args, String what) {
        List<String> command = java();
        command.add("-Xmx128m");
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("kafka " + what + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A random cluster id in Kafka's form: 16 bytes, URL-safe base64 without padding. */
    private static String clusterId() {
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private static String classpath() {
        String lib = System.getenv("HELIOGRAPH_KAFKA_LIB");
        if (lib != null && !lib.isBlank()) {
            return Path.of(lib).toAbsolutePath() + "/*";
        }
        Path pom = ServiceProcess.ROOT.resolve("infra/kafka/pom.xml");
        Path file = Path.of("target", "kafka-classpath.txt").toAbsolutePath();
        try {
            if (!Files.exists(file) || Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(pom)) < 0) {
                Files.createDirectories(file.getParent());
                Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "-f", pom.toString(), "dependency:build-classpath",
                        "-Dmdep.outputFile=" + file).redirectErrorStream(true).start();
                String out = new String(mvn.getInputStream().readAllBytes());
                if (mvn.waitFor() != 0) {
                    throw new IllegalStateException("cannot resolve the Kafka jars of " + pom + " from the local Maven repository"
                            + " (run ./heliograph infra up once, or set HELIOGRAPH_KAFKA_LIB):\n" + out);
                }
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
