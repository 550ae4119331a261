package io.heliograph.deployment.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.heliograph.deployment.Repository;

/**
 * docker-compose.yml, parsed as Compose reads it (merge keys resolved): every service starts
 * only after what it needs is healthy, the gateways run as two replicas behind a balancer whose
 * checked-in configuration really routes {@code /ws} to both with the WebSocket upgrade.
 */
class DockerComposeTest {

    static Map<String, Map<String, Object>> services;
    static Map<String, Object> compose;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        compose = yaml.load(Files.readString(Repository.root().resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void theWholeSuiteIsThere() {
        assertThat(services).containsKeys("redis", "kafka", "lb", "pubsub-relay", "fetcher-service",
                "consumer-monitor-service");
        assertThat(image("redis")).startsWith("redis:7");
        assertThat(image("kafka")).as("the official Apache Kafka image").startsWith("apache/kafka:");
        Map<String, Object> kafkaEnv = environment("kafka");
        assertThat(kafkaEnv.get("KAFKA_PROCESS_ROLES")).as("KRaft: no ZooKeeper").isEqualTo("broker,controller");
        assertThat(services).noneSatisfy((name, service) -> assertThat(name).contains("zookeeper"));
    }

    @Test
    void everyHeliographImageIsBuiltFromItsModulesDockerfile() {
        for (Repository.Service service : Repository.SERVICES) {
            List<String> names = servicesRunning(service.image());
            assertThat(names).as("services running %s", service.image()).isNotEmpty();
            for (String name : names) {
                Map<String, Object> build = map(services.get(name).get("build"));
                Path context = Repository.root().resolve((String) build.get("context")).normalize();
                assertThat(context).isEqualTo(Repository.root().resolve(service.name()));
                Path dockerfile = context.resolve((String) build.get("dockerfile"));
                assertThat(dockerfile).isRegularFile();
                assertThat(dockerfile.toString()).endsWith("src/main/docker/Dockerfile.jvm");
            }
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndStartsAfterItsDependenciesAreReady() {
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> service = entry.getValue();
            boolean oneShot = !service.containsKey("restart");
            if (!oneShot) {
                Map<String, Object> health = map(service.get("healthcheck"));
                assertThat(health).as("healthcheck of %s", name).containsKey("test");
                assertThat(health.get("test").toString()).as("%s healthcheck", name).isNotBlank();
            }
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                continue;
            }
            assertThat(dependsOn).as("%s depends_on uses conditions (long syntax)", name).isInstanceOf(Map.class);
            map(dependsOn).forEach((dependency, spec) -> {
                assertThat(services).as("%s depends on %s", name, dependency).containsKey(dependency);
                String condition = (String) map(spec).get("condition");
                assertThat(condition).as("%s -> %s", name, dependency)
                        .isIn("service_healthy", "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(services.get(dependency)).as("%s has the healthcheck %s waits for", dependency, name)
                            .containsKey("healthcheck");
                } else {
                    assertThat(services.get(dependency)).as("%s is a one-shot job", dependency).doesNotContainKey("restart");
                }
            });
        }
        assertThat(dependencies("consumer-monitor-service")).containsKeys("redis", "kafka");
        for (Repository.Service service : Repository.SERVICES) {
            for (String name : servicesRunning(service.image())) {
                assertThat(dependencies(name)).as("%s waits for Redis", name).containsEntry("redis", "service_healthy");
                String health = map(services.get(name).get("healthcheck")).get("test").toString();
                assertThat(health).as("%s is healthy when ready", name)
                        .contains("http://localhost:" + service.port() + Repository.READY);
            }
        }
        assertNoCycle();
    }

    @Test
    void servicesListenOnTheirPortsAndOnlyTheBalancerFrontsTheGateways() {
        for (Repository.Service service : Repository.SERVICES) {
            for (String name : servicesRunning(service.image())) {
                for (String mapping : strings(services.get(name).get("ports"))) {
                    assertThat(mapping).as("%s port mapping", name).endsWith(":" + service.port());
                }
                for (String exposed : strings(services.get(name).get("expose"))) {
                    assertThat(exposed).isEqualTo(Integer.toString(service.port()));
                }
            }
        }
        for (String gateway : gateways()) {
            assertThat(services.get(gateway)).as("%s is reached only through the balancer", gateway).doesNotContainKey("ports");
        }
        assertThat(strings(services.get("lb").get("ports"))).containsExactly("8080:80");
    }

    @Test
    void twoGatewayReplicasSitBehindAWebSocketCapableBalancer() throws IOException {
        List<String> gateways = gateways();
        assertThat(gateways).as("gateway replicas").hasSizeGreaterThanOrEqualTo(2);
        Set<String> nodeIds = new HashSet<>();
        for (String gateway : gateways) {
            Map<String, Object> env = environment(gateway);
            nodeIds.add((String) env.get("HELIOGRAPH_NODE_ID"));
            assertThat(Repository.seconds((String) services.get(gateway).get("stop_grace_period")))
                    .as("%s stop_grace_period covers its drain window", gateway)
                    .isGreaterThan(Repository.seconds((String) env.getOrDefault("HELIOGRAPH_GATEWAY_DRAIN_WINDOW",
                            Repository.DEFAULT_DRAIN_WINDOW)));
            // The gateways trust X-Forwarded-For from the balancer's fixed address only.
            String lbAddress = (String) map(map(services.get("lb").get("networks")).get("heliograph")).get("ipv4_address");
            assertThat(env.get("HELIOGRAPH_GATEWAY_TRUSTED_PROXIES")).isEqualTo(lbAddress);
        }
        assertThat(nodeIds).as("distinct node ids").hasSize(gateways.size()).doesNotContainNull();
        for (String gateway : gateways) {
            assertThat(dependencies("lb")).containsEntry(gateway, "service_healthy");
        }

        NginxConfig nginx = NginxConfig.read(balancerConfig());
        List<String> upstream = nginx.upstreamServers("gateways");
        assertThat(upstream).containsExactlyInAnyOrderElementsOf(gateways.stream().map(g -> g + ":8080").toList());
        NginxConfig.Block ws = nginx.location("= /ws");
        assertThat(ws.value("proxy_pass")).isEqualTo("http://gateways");
        assertThat(ws.values("proxy_set_header")).contains("Upgrade $http_upgrade", "Connection $connection_upgrade");
        assertThat(nginx.effective(ws, "proxy_http_version")).isEqualTo("1.1");
        assertThat(Repository.seconds(ws.value("proxy_read_timeout"))).as("above two 25 s heartbeats").isGreaterThan(50);
        assertThat(nginx.text()).containsPattern("map\\s+\\$http_upgrade\\s+\\$connection_upgrade");
        NginxConfig.Block sse = nginx.location("= /sse");
        assertThat(sse.value("proxy_buffering")).isEqualTo("off");
        assertThat(nginx.locations()).noneMatch(l -> l.equals("/") || l.contains("/q/"));
    }

    @Test
    void redisRequiresThePasswordOfDotEnvAndEveryServiceSendsIt() {
        String password = "${HELIOGRAPH_REDIS_PASSWORD:?";
        List<String> command = strings(services.get("redis").get("command"));
        int requirepass = command.indexOf("--requirepass");
        assertThat(requirepass).as("redis-server --requirepass").isNotNegative();
        assertThat(command.get(requirepass + 1)).as("the password is required from .env, never defaulted").startsWith(password);
        assertThat(services.get("redis").get("healthcheck").toString()).as("the healthcheck authenticates")
                .contains("REDISCLI_AUTH");
        services.forEach((name, service) -> {
            Object env = service.get("environment");
            if (env != null && map(env).containsKey("QUARKUS_REDIS_HOSTS")) {
                assertThat((String) map(env).get("QUARKUS_REDIS_HOSTS")).as("%s Redis URL", name)
                        .startsWith("redis://default:" + password).endsWith("@redis:6379");
            }
        });
        assertThat(services).as("services with a Redis URL")
                .allSatisfy((name, service) -> {
                    if (String.valueOf(service.get("image")).startsWith("heliograph/")) {
                        assertThat(environment(name)).as("%s", name).containsKey("QUARKUS_REDIS_HOSTS");
                    }
                });
    }

    private static Path balancerConfig() {
        for (String volume : strings(services.get("lb").get("volumes"))) {
            String[] parts = volume.split(":");
            if (parts[1].equals("/etc/nginx/nginx.conf")) {
                Path config = Repository.root().resolve(parts[0]).normalize();
                assertThat(config).isRegularFile();
                assertThat(config).isEqualTo(Repository.root().resolve("deploy/nginx/nginx.conf"));
                return config;
            }
        }
        throw new AssertionError("the balancer does not mount deploy/nginx/nginx.conf");
    }

    private static List<String> gateways() {
        return servicesRunning(Repository.service("gateway-service").image());
    }

    private static List<String> servicesRunning(String imageName) {
        return services.entrySet().stream()
                .filter(e -> String.valueOf(e.getValue().get("image")).startsWith(imageName + ":"))
                .map(Map.Entry::getKey).sorted().toList();
    }

    private static String image(String service) {
        return (String) services.get(service).get("image");
    }

    private static Map<String, Object> environment(String service) {
        return map(services.get(service).get("environment"));
    }

    private static Map<String, String> dependencies(String service) {
        Map<String, String> result = new java.util.TreeMap<>();
        Object dependsOn = services.get(service).get("depends_on");
        if (dependsOn != null) {
            map(dependsOn).forEach((name, spec) -> result.put(name, (String) map(spec).get("condition")));
        }
        return result;
    }

    private static void assertNoCycle() {
        for (String start : services.keySet()) {
            List<String> stack = new ArrayList<>(List.of(start));
            Set<String> seen = new HashSet<>();
            while (!stack.isEmpty()) {
                String current = stack.remove(stack.size() - 1);
                for (String next : dependencies(current).keySet()) {
                    assertThat(next).as("depends_on cycle through %s", start).isNotEqualTo(start);
                    if (seen.add(next)) {
                        stack.add(next);
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }
}
