package io.heliograph.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis Cluster of three masters (no replicas) on loopback, started from the
 * {@code redis-server} and {@code redis-cli} binaries of the machine, each node in its own
 * temporary directory. {@link #close()} kills the nodes and deletes the directories.
 */
public final class LocalRedisCluster implements AutoCloseable {

    /** Redis Cluster's bus listens on the client port plus this offset; it must be free too. */
    private static final int BUS_PORT_OFFSET = 10000;
    private static final long STARTUP_TIMEOUT_MS = 20_000;

    private final String redisServer;
    private final String redisCli;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> nodes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    private LocalRedisCluster(String redisServer, String redisCli) {
        this.redisServer = redisServer;
        this.redisCli = redisCli;
    }

    /** Starts three cluster-enabled nodes and joins them with {@code redis-cli --cluster create}. */
    public static LocalRedisCluster start(int masters) throws IOException, InterruptedException {
        LocalRedisCluster cluster = new LocalRedisCluster(binary("redis-server"), binary("redis-cli"));
        try {
            cluster.startNodes(masters);
            cluster.create();
            cluster.awaitClusterOk();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** Answers of {@code redis-cli -p <port> <args>}, trimmed. */
    public String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(redisCli, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command, 10).trim();
    }

    private static String binary(String name) {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        // Fails, never skips: the cluster test exists to run against real Redis nodes.
        throw new AssertionError(name + " is not installed (apt-get install redis-server); the Redis Cluster test needs it");
    }

    private void startNodes(int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            int port = freePortWithFreeBus();
            Path dir = Files.createTempDirectory("heliograph-redis-cluster-" + port + "-");
            dirs.add(dir);
            ports.add(port);
            ProcessBuilder builder = new ProcessBuilder(redisServer,
                    "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000", "--dir", dir.toString(),
                    "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile());
            nodes.add(builder.start());
        }
        for (int port : ports) {
            awaitPing(port);
        }
    }

    private void create() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(redisCli, "--cluster", "create"));
        ports.forEach(port -> command.add("127.0.0.1:" + port));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String output = run(command, 60);
        if (!output.contains("All 16384 slots covered")) {
            throw new AssertionError("redis-cli --cluster create did not cover every slot:\n" + output);
        }
    }

    private void awaitClusterOk() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        for (int port : ports) {
            while (!cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("node " + port + " never reported cluster_state:ok");
                }
                Thread.sleep(100);
            }
        }
    }

    private void awaitPing(int port) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        while (!"PONG".equals(cli(port, "PING"))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("redis-server on port " + port + " did not start; see its redis.log");
            }
            Thread.sleep(50);
        }
    }

    private static int freePortWithFreeBus() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            if (port + BUS_PORT_OFFSET > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + BUS_PORT_OFFSET, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busTaken) {
                // try another pair
            }
        }
        throw new IOException("no free port whose cluster bus port (+10000) is free too");
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        // Output goes to a file, so a hung command cannot block a pipe read past the timeout.
        Path output = Files.createTempFile("heliograph-redis-cli-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Override
    public void close() {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            try {
                if (!node.waitFor(10, TimeUnit.SECONDS)) {
                    node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a leftover temp directory is harmless
            }
        }
    }
}
