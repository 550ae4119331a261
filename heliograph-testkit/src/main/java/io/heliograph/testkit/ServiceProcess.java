package io.heliograph.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A module's packaged {@code target/quarkus-app/quarkus-run.jar} run as its own process on a free
 * port, as {@code ./heliograph up} runs it, so a test can run several real instances and stop or
 * kill them for real. {@link Builder#start()} returns once {@code /q/health/ready} answers 200.
 *
 * <p>Tests run with their module directory as working directory (Maven's surefire and failsafe
 * do), so the suite root is its parent and the log goes under the calling module's {@code target/}.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The suite's root directory. */
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The shared Redis every service is pointed at unless a test says otherwise. */
    public static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    /** The shared Kafka broker. */
    public static final String KAFKA = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 40;

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private final Duration closeGrace;

    private ServiceProcess(String name, int port, Process process, Path log, Duration closeGrace) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.closeGrace = closeGrace;
    }

    /** A process of {@code module}'s packaged jar, to be configured and {@linkplain Builder#start() started}. */
    public static Builder of(String module) {
        return new Builder(module);
    }

    /** {@code env("K1", "v1", "K2", "v2")}: a mutable map of the pairs. */
    public static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What to start and how; every setting has the default a plain {@code java -jar} would have. */
    public static final class Builder {

        private final String module;
        private String name;
        private String logFile;
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> withoutEnv = new ArrayList<>();
        private Duration startupTimeout = Duration.ofSeconds(90);
        private Duration closeGrace;
        private String missingJarHint = "run `mvn package` first";

        private Builder(String module) {
            this.module = module;
            this.name = module;
        }

        /** The name in messages, and of the log ({@code target/<name>.log}) unless {@link #log} says otherwise. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The log file, relative to the calling module's {@code target/}; directories are created. */
        public Builder log(String underTarget) {
            this.logFile = underTarget;
            return this;
        }

        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        /** Environment variables on top of the defaults ({@code QUARKUS_REDIS_HOSTS}, {@code KAFKA_BOOTSTRAP_SERVERS}, a gateway's test verify key). */
        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** {@code -Dkey=value} system properties: they win over environment and application.properties. */
        public Builder properties(Map<String, String> props) {
            properties.putAll(props);
            return this;
        }

        /** Environment variables the process must not see: API keys of the developer's shell, or one of the defaults. */
        public Builder withoutEnv(String... names) {
            withoutEnv.addAll(List.of(names));
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /** {@link ServiceProcess#close()} sends SIGTERM and waits this long before SIGKILL; without it close is SIGKILL. */
        public Builder gracefulClose(Duration grace) {
            this.closeGrace = grace;
            return this;
        }

        /** What the failure says to do when the jar is missing (the test fails, it never skips). */
        public Builder missingJarHint(String hint) {
            this.missingJarHint = hint;
            return this;
        }

        public ServiceProcess start() {
            Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: " + missingJarHint);
            }
            int port = freePort();
            Path log = Path.of("target").resolve(logFile == null ? name + ".log" : logFile).toAbsolutePath();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.add("-Dquarkus.http.port=" + port);
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", jar.toString()));
            try {
                Files.createDirectories(log.getParent());
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
                Map<String, String> environment = builder.environment();
                environment.put("QUARKUS_REDIS_HOSTS", REDIS_URL);
                environment.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA);
                if (module.equals("gateway-service")) {
                    // A gateway refuses to start without a verify key: trust this build's test key pair.
                    environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", TestKeys.publicKeyLocation());
                }
                withoutEnv.forEach(environment::remove);
                environment.putAll(env);
                ServiceProcess service = new ServiceProcess(name, port, builder.start(), log, closeGrace);
                service.awaitReady(startupTimeout);
                return service;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + name, e);
            }
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            if (status("/q/health/ready") == 200) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + tail());
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The process itself, for tests that signal it and watch it exit. */
    public Process process() {
        return process;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    public int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String getText(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode getJson(String path) {
        try {
            return MAPPER.readTree(getText(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** SIGTERM, as Kubernetes or {@code ./heliograph down} would, waiting 30 s for a clean exit. */
    public boolean stop() {
        return stop(EXIT_WAIT);
    }

    /** SIGTERM; true when the process exited within {@code grace}, otherwise it is SIGKILLed and false. */
    public boolean stop(Duration grace) {
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    /** SIGKILL: the process dies mid-work with no chance to clean up, like a crashed replica. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        if (closeGrace != null) {
            stop(closeGrace);
        } else {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + "@" + port + " (log " + log + ")";
    }
}
