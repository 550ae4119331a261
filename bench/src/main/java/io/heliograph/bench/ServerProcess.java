package io.heliograph.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server process that {@code compare} starts fresh for one workload: the packaged gateway or
 * the plain-Netty floor, on a free loopback port, with the given JVM and flags, its output in a
 * log file. {@link #start} returns once its readiness endpoint answers 200.
 */
final class ServerProcess implements AutoCloseable {

    /** What to start. {@code readyPath} answers 200 once the server takes connections. */
    record Kind(String label, Fleet.Protocol protocol, String readyPath) {
        static final Kind FLOOR = new Kind("floor", Fleet.Protocol.FLOOR, "/health");
        static final Kind GATEWAY = new Kind("gateway", Fleet.Protocol.HELIOGRAPH, "/q/health/ready");
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Kind kind;
    private final Process process;
    private final int port;

    private ServerProcess(Kind kind, Process process, int port) {
        this.kind = kind;
        this.process = process;
        this.port = port;
    }

    private static String unusableVerifyKey() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return java.util.Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every Java runtime", e);
        }
    }

    /**
     * Starts {@code java <jvmFlags> -jar <jar>} with the environment naming port, Redis and (for the
     * floor) the event loops, and waits until it is ready.
     */
    static ServerProcess start(Kind kind, String java, List<String> jvmFlags, Path jar, String redisUrl,
            Map<String, String> extraEnv, Path log) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(jar.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("REDIS_URL", redisUrl);
        if (kind.protocol() == Fleet.Protocol.FLOOR) {
            env.put("PORT", Integer.toString(port));
            env.put("HOST", "127.0.0.1");
        } else {
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("HELIOGRAPH_NODE_ID", "bench-" + port);
            // A gateway refuses to start without a JWT verify key; the bench's clients are anonymous, so
            // a key whose private half was never kept (no token can match it) is enough.
            env.put("MP_JWT_VERIFY_PUBLICKEY", unusableVerifyKey());
        }
        env.putAll(extraEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + kind.label() + ": " + command + ": " + e.getMessage(), e);
        }
        ServerProcess server = new ServerProcess(kind, process, port);
        try {
            server.awaitReady(log);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    Kind kind() {
        return kind;
    }

    long pid() {
        return process.pid();
    }

    URI webSocketUrl() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    Rig.Target target() {
        return new Rig.Target(webSocketUrl(), pid(), kind.protocol());
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + kind.readyPath()))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind.label() + " exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + kind.label(), e);
            }
            Rig.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(kind.label() + " not ready after " + READY_TIMEOUT.toSeconds() + " s; see " + log);
    }

    /** SIGTERM, then SIGKILL if it has not exited within 20 s (the gateway drains its clients first). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }
}
