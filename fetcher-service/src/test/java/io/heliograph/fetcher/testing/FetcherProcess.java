package io.heliograph.fetcher.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged fetcher ({@code target/quarkus-app}) as a child process, configured by system properties. */
public final class FetcherProcess implements AutoCloseable {

    static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final Process process;
    private final File log;
    private final int port;

    private FetcherProcess(Process process, File log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a fetcher on a random HTTP port with no API keys from the environment, and waits until it listens. */
    public static FetcherProcess start(String name, Map<String, String> properties) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("the packaged fetcher (mvn package)").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=0"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        File log = Path.of("target", "fetcher-" + name + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        for (String secret : List.of("TAAPI_SECRET", "TWELVE_DATA_API_KEY", "COINGECKO_API_KEY", "FETCHER_MODE")) {
            builder.environment().remove(secret);
        }
        Process process = builder.start();
        int[] port = { -1 };
        try {
            await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(process.isAlive()).as("fetcher %s died: see %s", name, log).isTrue();
                Matcher m = LISTENING.matcher(Files.readString(log.toPath()));
                if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                }
                return port[0] > 0;
            });
        } catch (RuntimeException | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return new FetcherProcess(process, log, port[0]);
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.readString(log.toPath());
    }

    /** SIGKILL: the process gets no chance to clean up, like a crashed replica. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, and waits for the clean shutdown. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
