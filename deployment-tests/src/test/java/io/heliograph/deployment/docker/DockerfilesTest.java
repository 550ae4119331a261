package io.heliograph.deployment.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.heliograph.deployment.Repository;

/**
 * The three Quarkus Dockerfiles of every service: what they copy is what the Quarkus build
 * writes, the port they expose is the one the service listens on (and Kubernetes probes), and
 * they never run as root. Building the images needs a Docker engine, which is not checked here.
 */
class DockerfilesTest {

    @Test
    void everyServiceShipsJvmNativeAndMicroImagesOnItsPortAsNonRoot() throws IOException {
        for (Repository.Service service : Repository.SERVICES) {
            Path docker = Repository.root().resolve(service.name()).resolve("src/main/docker");
            for (String kind : List.of("jvm", "native", "native-micro")) {
                Path file = docker.resolve("Dockerfile." + kind);
                assertThat(file).as("%s Dockerfile.%s", service.name(), kind).isRegularFile();
                List<String> lines = Files.readAllLines(file).stream().map(String::trim)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
                String what = service.name() + " Dockerfile." + kind;
                assertThat(lines.get(0)).as(what).startsWith("FROM ");
                assertThat(lines).as(what).contains("EXPOSE " + service.port());
                String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
                assertThat(user).as("%s runs as a non-root user", what).isIn("USER 185", "USER 1001");
                String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
                if (kind.equals("jvm")) {
                    assertThat(lines).as(what).contains(
                            "COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/",
                            "COPY --chown=185 target/quarkus-app/*.jar /deployments/",
                            "COPY --chown=185 target/quarkus-app/app/ /deployments/app/",
                            "COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/",
                            "ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
                    assertThat(entrypoint).contains("run-java.sh");
                } else {
                    assertThat(lines).as(what).anyMatch(l -> l.startsWith("COPY") && l.contains("target/*-runner /work/application"));
                    // Exec form: the executable is PID 1 and gets SIGTERM for the graceful drain.
                    assertThat(entrypoint).startsWith("ENTRYPOINT [\"./application\"");
                }
                // Listens on every interface inside the container, not only on loopback.
                assertThat(String.join("\n", lines)).as(what).contains("-Dquarkus.http.host=0.0.0.0");
            }
        }
    }
}
