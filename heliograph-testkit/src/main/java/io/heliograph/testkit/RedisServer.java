package io.heliograph.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private redis-server on a free loopback port, for tests that stop or restart Redis: the
 * shared Redis of everyone else's tests is never touched. Its data lives in a temporary directory
 * and its log is {@code target/redis-<port>.log} of the calling module.
 */
public final class RedisServer implements AutoCloseable {

    private static final long STARTUP_MILLIS = 60_000;

    private final int port;
    private final boolean persistent;
    private final String password;
    private final Path dir;
    private Process process;

    /**
     * Starts it; {@code persistent} keeps every write in an fsync'ed append-only file, so a
     * {@link #stop()} and {@link #start()} keeps the data, otherwise a restart comes back empty.
     */
    public RedisServer(boolean persistent) {
        this(persistent, null);
    }

    /** Starts one that refuses clients without {@code password} ({@code requirepass}), when it is not null. */
    public RedisServer(boolean persistent, String password) {
        this.port = ServiceProcess.freePort();
        this.persistent = persistent;
        this.password = password;
        try {
            this.dir = Files.createTempDirectory("hg-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    public int port() {
        return port;
    }

    /** The URL clients use, with the password when there is one ({@code redis://:secret@127.0.0.1:port}). */
    public String url() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    /** Starts it again on the same port (when persistent, with its data); returns once it accepts connections. */
    public void start() {
        List<String> command = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
        command.addAll(persistent ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        try {
            Path log = Files.createDirectories(Path.of("target")).resolve("redis-" + port + ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
        long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("redis-server on " + port + " did not start");
    }

    /** SIGTERM: Redis flushes its append-only file and exits; SIGKILL if it takes over 10 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGSTOP: the server keeps its connections open but answers nothing, as a hung or swapped-out Redis would,
     * until {@link #thaw()}; commands sent meanwhile wait in its socket buffers and run on thaw.
     */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}: the server runs again, the commands that waited first. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            // A frozen server ignores SIGTERM until it runs again.
            signal("CONT");
        }
        if (process != null && process.isAlive()) {
            stop();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static String binary() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
