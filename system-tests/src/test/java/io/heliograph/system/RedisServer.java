package io.heliograph.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A private redis-server for tests that stop or restart Redis; never the shared one. */
final class RedisServer implements AutoCloseable {

    final int port;
    private final Path dir;
    private final boolean persistent;
    private Process process;

    RedisServer(boolean persistent) throws IOException {
        this.port = ServiceProcess.freePort();
        this.dir = Files.createTempDirectory("hg-redis-");
        this.persistent = persistent;
        start();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    void start() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", ""));
        command.addAll(persistent ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                ServiceProcess.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server on " + port + " did not start");
    }

    void stop() throws InterruptedException {
        process.destroy(); // SIGTERM: Redis flushes its append-only file and exits
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
