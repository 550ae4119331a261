package io.heliograph.deployment.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.heliograph.deployment.Repository;

/**
 * deploy/nginx/nginx.conf through the real {@code nginx -t}, when nginx is installed
 * ({@code apt-get install nginx-light}). nginx resolves upstream host names while testing, and the
 * compose service names exist only on the compose network, so the copy under test points them at
 * 127.0.0.1; everything else is tested as shipped.
 */
class NginxSyntaxTest {

    static final Path NGINX = Path.of("/usr/sbin/nginx");

    @Test
    void theBalancerConfigurationPassesNginxT() throws Exception {
        // The one check here that may be skipped: nginx is an optional tool on a build machine.
        Assumptions.assumeTrue(Files.isExecutable(NGINX),
                "nginx is not installed (apt-get install nginx-light): the syntax check of deploy/nginx/nginx.conf is skipped");
        Path prefix = Files.createTempDirectory("heliograph-nginx-");
        try {
            String config = Files.readString(Repository.root().resolve("deploy/nginx/nginx.conf"));
            for (String host : NginxConfig.read(Repository.root().resolve("deploy/nginx/nginx.conf")).upstreamServers("gateways")) {
                config = config.replace("server " + host, "server 127.0.0.1:" + host.substring(host.indexOf(':') + 1 ));
            }
            Path file = prefix.resolve("nginx.conf");
            Files.writeString(file, config);
            Path out = prefix.resolve("out.txt");
            Process nginx = new ProcessBuilder(NGINX.toString(), "-t", "-p", prefix.toString(), "-c", file.toString(),
                    "-g", "pid " + prefix.resolve("nginx.pid") + "; error_log " + prefix.resolve("error.log") + ";")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(nginx.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(nginx.exitValue()).as(output).isZero();
            assertThat(output).contains("syntax is ok").contains("test is successful");
        } finally {
            try (Stream<Path> paths = Files.walk(prefix)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
