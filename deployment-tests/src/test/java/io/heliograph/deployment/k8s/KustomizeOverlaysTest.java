package io.heliograph.deployment.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.heliograph.deployment.Repository;
import io.heliograph.deployment.k8s.RenderedOverlay.Workload;

/**
 * Every overlay under k8s/overlays, rendered by {@code kubectl kustomize} and parsed strictly into
 * fabric8's typed model, must be internally consistent: what one object names, another provides.
 * These are the mistakes that otherwise surface only on a live cluster (a Service with no
 * endpoints, a pod stuck on a missing Secret key, a gateway killed mid-drain).
 */
class KustomizeOverlaysTest {

    static final String NAMESPACE = "heliograph";
    static final Set<String> REQUIRED_LABELS = Set.of("app", "application", "system");
    static final String CONNECTIONS_METRIC = "heliograph_gateway_connections";
    static final Map<String, RenderedOverlay> RENDERED = new ConcurrentHashMap<>();

    static RenderedOverlay overlay(String name) {
        return RENDERED.computeIfAbsent(name, n -> {
            try {
                return Kustomize.render(n);
            } catch (Exception e) {
                throw new AssertionError("cannot render overlay " + n, e);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectCarriesTheLabelsAppApplicationSystemAndLivesInTheNamespace(String name) {
        RenderedOverlay overlay = overlay(name);
        assertThat(overlay.objects()).hasSizeGreaterThan(20);
        for (HasMetadata object : overlay.objects()) {
            String id = object.getKind() + "/" + object.getMetadata().getName();
            assertThat(object.getMetadata().getLabels()).as("labels of %s", id).containsKeys("app", "application", "system");
            assertThat(object.getMetadata().getLabels().get("system")).as("system label of %s", id).isEqualTo(NAMESPACE);
            if (!(object instanceof Namespace)) {
                assertThat(object.getMetadata().getNamespace()).as("namespace of %s", id).isEqualTo(NAMESPACE);
            }
        }
        for (Workload workload : overlay.workloads()) {
            assertThat(workload.podLabels()).as("pod labels of %s", workload.id()).containsKeys("app", "application", "system");
            assertThat(workload.podLabels().get("app")).as("app label of %s's pods", workload.id())
                    .isEqualTo(workload.owner().getMetadata().getLabels().get("app"));
        }
        assertThat(overlay.find(Namespace.class, NAMESPACE)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void selectorsPickPodsAndServicesTargetPortsTheContainersOpen(String name) {
        RenderedOverlay overlay = overlay(name);
        for (Deployment d : overlay.all(Deployment.class)) {
            assertThat(RenderedOverlay.matches(d.getSpec().getSelector(), overlay.workload(d.getMetadata().getName()).podLabels()))
                    .as("Deployment %s selects its own pods", d.getMetadata().getName()).isTrue();
        }
        for (StatefulSet s : overlay.all(StatefulSet.class)) {
            assertThat(RenderedOverlay.matches(s.getSpec().getSelector(), overlay.workload(s.getMetadata().getName()).podLabels()))
                    .as("StatefulSet %s selects its own pods", s.getMetadata().getName()).isTrue();
            Service governing = overlay.get(Service.class, s.getSpec().getServiceName());
            assertThat(governing.getSpec().getClusterIP()).as("governing Service of %s is headless", s.getMetadata().getName())
                    .isEqualTo("None");
        }
        for (Service service : overlay.all(Service.class)) {
            String id = "Service " + service.getMetadata().getName();
            List<Workload> backends = overlay.selected(service.getSpec().getSelector());
            assertThat(backends).as("%s selects some pods", id).isNotEmpty();
            assertThat(service.getSpec().getType()).as("%s stays inside the cluster", id).isIn(null, "ClusterIP");
            for (ServicePort port : service.getSpec().getPorts()) {
                for (Workload backend : backends) {
                    assertThat(opens(backend, port.getTargetPort()))
                            .as("%s port %s targets %s, which %s opens", id, port.getName(), port.getTargetPort(), backend.id())
                            .isTrue();
                }
            }
        }
        for (PodDisruptionBudget pdb : overlay.all(PodDisruptionBudget.class)) {
            assertThat(overlay.selected(pdb.getSpec().getSelector())).as("PDB %s selects pods", pdb.getMetadata().getName())
                    .isNotEmpty();
        }
        for (NetworkPolicy policy : overlay.all(NetworkPolicy.class)) {
            String id = "NetworkPolicy " + policy.getMetadata().getName();
            assertThat(overlay.selected(policy.getSpec().getPodSelector())).as("%s applies to some pods", id).isNotEmpty();
            policy.getSpec().getIngress().forEach(rule -> {
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
                        assertThat(overlay.selected(peer.getPodSelector())).as("%s allows pods that exist", id).isNotEmpty();
                    }
                }
                rule.getPorts().forEach(port -> assertThat(overlay.selected(policy.getSpec().getPodSelector()))
                        .allSatisfy(w -> assertThat(opens(w, port.getPort()))
                                .as("%s port %s is opened by %s", id, port.getPort(), w.id()).isTrue()));
            });
        }
        for (HorizontalPodAutoscaler hpa : overlay.all(HorizontalPodAutoscaler.class)) {
            var target = hpa.getSpec().getScaleTargetRef();
            assertThat(target.getKind()).isEqualTo("Deployment");
            overlay.get(Deployment.class, target.getName());
        }
        for (Workload workload : overlay.workloads()) {
            var spread = workload.template().getSpec().getTopologySpreadConstraints();
            if (spread != null) {
                spread.forEach(c -> assertThat(RenderedOverlay.matches(c.getLabelSelector(), workload.podLabels()))
                        .as("topology spread of %s selects its own pods", workload.id()).isTrue());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReferencedConfigMapSecretAndKeyExists(String name) {
        RenderedOverlay overlay = overlay(name);
        List<String> missing = new ArrayList<>();
        for (Workload workload : overlay.workloads()) {
            for (Container c : containers(workload)) {
                String where = workload.id() + " container " + c.getName();
                for (EnvFromSource from : nonNull(c.getEnvFrom())) {
                    if (from.getConfigMapRef() != null && overlay.find(ConfigMap.class, from.getConfigMapRef().getName()).isEmpty()) {
                        missing.add(where + ": envFrom ConfigMap " + from.getConfigMapRef().getName());
                    }
                    if (from.getSecretRef() != null && overlay.find(io.fabric8.kubernetes.api.model.Secret.class,
                            from.getSecretRef().getName()).isEmpty()) {
                        missing.add(where + ": envFrom Secret " + from.getSecretRef().getName());
                    }
                }
                for (EnvVar env : nonNull(c.getEnv())) {
                    if (env.getValueFrom() == null) {
                        continue;
                    }
                    var cm = env.getValueFrom().getConfigMapKeyRef();
                    if (cm != null && !overlay.hasConfigMapKey(cm.getName(), cm.getKey())) {
                        missing.add(where + ": " + env.getName() + " from ConfigMap " + cm.getName() + " key " + cm.getKey());
                    }
                    var secret = env.getValueFrom().getSecretKeyRef();
                    if (secret != null && !overlay.hasSecretKey(secret.getName(), secret.getKey())) {
                        missing.add(where + ": " + env.getName() + " from Secret " + secret.getName() + " key " + secret.getKey());
                    }
                }
            }
            for (Volume volume : nonNull(workload.template().getSpec().getVolumes())) {
                if (volume.getConfigMap() != null && overlay.find(ConfigMap.class, volume.getConfigMap().getName()).isEmpty()) {
                    missing.add(workload.id() + ": volume ConfigMap " + volume.getConfigMap().getName());
                }
                if (volume.getSecret() != null && overlay.find(io.fabric8.kubernetes.api.model.Secret.class,
                        volume.getSecret().getSecretName()).isEmpty()) {
                    missing.add(workload.id() + ": volume Secret " + volume.getSecret().getSecretName());
                }
            }
        }
        for (Ingress ingress : overlay.all(Ingress.class)) {
            boolean certManager = ingress.getMetadata().getAnnotations() != null
                    && ingress.getMetadata().getAnnotations().keySet().stream().anyMatch(k -> k.startsWith("cert-manager.io/"));
            for (var tls : nonNull(ingress.getSpec().getTls())) {
                // cert-manager creates the certificate Secret itself; otherwise it must be shipped.
                if (!certManager && overlay.find(io.fabric8.kubernetes.api.model.Secret.class, tls.getSecretName()).isEmpty()) {
                    missing.add("Ingress " + ingress.getMetadata().getName() + ": TLS Secret " + tls.getSecretName());
                }
            }
        }
        assertThat(missing).as("references to nothing").isEmpty();
        // The naming convention: <app>-config and <app>-config-creds.
        for (ConfigMap cm : overlay.all(ConfigMap.class)) {
            assertThat(cm.getMetadata().getName()).isEqualTo(cm.getMetadata().getLabels().get("app") + "-config");
        }
        for (var secret : overlay.all(io.fabric8.kubernetes.api.model.Secret.class)) {
            assertThat(secret.getMetadata().getName()).isEqualTo(secret.getMetadata().getLabels().get("app") + "-config-creds");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesProbeTheirHealthEndpointsAndRunTheirOwnImage(String name) {
        RenderedOverlay overlay = overlay(name);
        Set<String> tags = new TreeSet<>();
        for (Repository.Service service : Repository.SERVICES) {
            Workload workload = overlay.workload(service.name());
            assertThat(workload.owner()).isInstanceOf(Deployment.class);
            List<Container> containers = containers(workload);
            assertThat(containers).hasSize(1);
            Container c = containers.get(0);
            assertThat(c.getName()).isEqualTo(service.name());
            assertThat(c.getImage()).startsWith(service.image() + ":");
            tags.add(c.getImage().substring(c.getImage().indexOf(':') + 1));
            assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(service.port());
            assertThat(path(c.getLivenessProbe(), c)).as("%s liveness", service.name()).isEqualTo(Repository.LIVE);
            assertThat(path(c.getReadinessProbe(), c)).as("%s readiness", service.name()).isEqualTo(Repository.READY);
            if (c.getStartupProbe() != null) {
                assertThat(path(c.getStartupProbe(), c)).isIn(Repository.LIVE, Repository.READY);
            }
            assertThat(c.getResources().getRequests()).as("%s requests", service.name()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).as("%s limits", service.name()).containsKey("memory");
            Map<String, String> annotations = workload.template().getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("prometheus.io/path", "/q/metrics")
                    .containsEntry("prometheus.io/port", Integer.toString(service.port()));
        }
        assertThat(tags).as("one release: every service image has the same tag").hasSize(1);
        // No other workload pretends to be a Heliograph image.
        for (Workload workload : overlay.workloads()) {
            for (Container c : containers(workload)) {
                if (c.getImage().startsWith("heliograph/")) {
                    assertThat(Repository.isService(workload.owner().getMetadata().getName())).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theGatewayIsGivenItsWholeDrainBeforeItIsKilled(String name) throws Exception {
        RenderedOverlay overlay = overlay(name);
        Workload gateway = overlay.workload("gateway-service");
        Container c = containers(gateway).get(0);
        Map<String, String> env = env(overlay, c);
        double drain = Repository.seconds(env.getOrDefault("HELIOGRAPH_GATEWAY_DRAIN_WINDOW", Repository.DEFAULT_DRAIN_WINDOW));
        var preStop = c.getLifecycle().getPreStop();
        double sleep;
        if (preStop.getSleep() != null) {
            sleep = preStop.getSleep().getSeconds();
        } else {
            List<String> command = preStop.getExec().getCommand();
            assertThat(command.get(0)).endsWith("sleep");
            sleep = Double.parseDouble(command.get(1));
        }
        long grace = gateway.template().getSpec().getTerminationGracePeriodSeconds();
        assertThat(sleep).as("preStop sleep lets the Ingress stop routing here first").isGreaterThan(0);
        assertThat((double) grace).as("terminationGracePeriodSeconds > preStop %s s + drain window %s s", sleep, drain)
                .isGreaterThan(sleep + drain);
        // After the drain Quarkus still runs its shutdown delay and graceful shutdown (the gateway's
        // application.properties, unless the environment overrides them): all before SIGKILL.
        Properties shipped = new Properties();
        try (var in = Files.newBufferedReader(Repository.root().resolve(
                "gateway-service/src/main/resources/application.properties"))) {
            shipped.load(in);
        }
        double delay = Repository.seconds(env.getOrDefault("QUARKUS_SHUTDOWN_DELAY",
                shipped.getProperty("%prod.quarkus.shutdown.delay", shipped.getProperty("quarkus.shutdown.delay", "0s"))));
        double timeout = Repository.seconds(env.getOrDefault("QUARKUS_SHUTDOWN_TIMEOUT",
                shipped.getProperty("%prod.quarkus.shutdown.timeout", shipped.getProperty("quarkus.shutdown.timeout", "0s"))));
        assertThat((double) grace).as("grace %s s > preStop %s + drain %s + shutdown delay %s + shutdown timeout %s",
                grace, sleep, drain, delay, timeout).isGreaterThan(sleep + drain + delay + timeout);
        // The node id is the pod name; the JWT key comes from the gateway's Secret.
        EnvVar nodeId = c.getEnv().stream().filter(e -> e.getName().equals("HELIOGRAPH_NODE_ID")).findFirst()
                .orElseThrow();
        assertThat(nodeId.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        EnvVar key = c.getEnv().stream().filter(e -> e.getName().equals("MP_JWT_VERIFY_PUBLICKEY")).findFirst().orElseThrow();
        assertThat(key.getValueFrom().getSecretKeyRef().getName()).isEqualTo("gateway-service-config-creds");
        // Rollouts surge first, so no client loses its gateway to a capacity dip.
        Deployment d = (Deployment) gateway.owner();
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
        assertThat(overlay.get(PodDisruptionBudget.class, "gateway-service").getSpec().getMaxUnavailable())
                .isEqualTo(new IntOrString(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTheGatewayIsReachableFromOutsideAndTheRelayOnlyFromInside(String name) {
        RenderedOverlay overlay = overlay(name);
        List<Ingress> ingresses = overlay.all(Ingress.class);
        assertThat(ingresses).hasSize(1);
        Ingress ingress = ingresses.get(0);
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout")))
                .as("WebSocket idle timeout above two heartbeats (25 s)").isGreaterThan(50);
        assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-send-timeout"))).isGreaterThan(50);
        Set<String> paths = new TreeSet<>();
        for (var rule : ingress.getSpec().getRules()) {
            for (var path : rule.getHttp().getPaths()) {
                IngressServiceBackend backend = path.getBackend().getService();
                assertThat(backend.getName()).as("Ingress path %s", path.getPath()).isEqualTo("gateway-service");
                Service service = overlay.get(Service.class, backend.getName());
                assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(
                        Objects.equals(p.getName(), backend.getPort().getName())
                                || Objects.equals(p.getPort(), backend.getPort().getNumber())).isTrue());
                paths.add(path.getPath());
            }
        }
        assertThat(paths).contains("/ws", "/sse").noneMatch(p -> p.equals("/") || p.startsWith("/q"));

        NetworkPolicy deny = overlay.all(NetworkPolicy.class).stream()
                .filter(p -> nonNull(p.getSpec().getPodSelector().getMatchExpressions()).isEmpty()
                        && (p.getSpec().getPodSelector().getMatchLabels() == null
                                || p.getSpec().getPodSelector().getMatchLabels().isEmpty()))
                .findFirst().orElseThrow(() -> new AssertionError("no default-deny NetworkPolicy"));
        assertThat(deny.getSpec().getPolicyTypes()).contains("Ingress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();

        NetworkPolicy relay = overlay.get(NetworkPolicy.class, "pubsub-relay");
        for (var rule : relay.getSpec().getIngress()) {
            assertThat(rule.getFrom()).as("the relay admits named peers only, never everyone").isNotEmpty();
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                assertThat(peer.getIpBlock()).as("no address ranges (outside traffic) reach the relay").isNull();
                if (peer.getNamespaceSelector() != null) {
                    Map<String, String> labels = peer.getNamespaceSelector().getMatchLabels();
                    assertThat(labels).as("the relay does not admit every namespace").isNotEmpty();
                    assertThat(labels.get("kubernetes.io/metadata.name")).as("the Ingress controller cannot reach the relay")
                            .isNotEqualTo("ingress-nginx");
                }
            }
        }
        NetworkPolicy gateway = overlay.get(NetworkPolicy.class, "gateway-service");
        assertThat(gateway.getSpec().getIngress()).anySatisfy(rule -> assertThat(rule.getFrom()).anySatisfy(peer ->
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "ingress-nginx")));
        for (Repository.Service service : Repository.SERVICES) {
            assertThat(overlay.find(NetworkPolicy.class, service.name())).as("NetworkPolicy of %s", service.name()).isPresent();
        }
        assertThat(overlay.find(NetworkPolicy.class, "redis")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theGatewayScalesOnCpuAndOnConnectionsServedByThePrometheusAdapter(String name) throws Exception {
        RenderedOverlay overlay = overlay(name);
        HorizontalPodAutoscaler hpa = overlay.get(HorizontalPodAutoscaler.class, "gateway-service");
        assertThat(hpa.getSpec().getMinReplicas()).as("at least two gateways at all times").isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("Resource");
            assertThat(m.getResource().getName()).isEqualTo("cpu");
        });
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("Pods");
            assertThat(m.getPods().getMetric().getName()).isEqualTo(CONNECTIONS_METRIC);
            assertThat(m.getPods().getTarget().getType()).isEqualTo("AverageValue");
        });
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .as("scale-down disconnects clients: not on a short dip").isGreaterThanOrEqualTo(300);
        // The adapter rule that turns the gateway's gauge into that per-pod metric.
        JsonNode values = new YAMLMapper().readTree(Files.readString(
                Repository.root().resolve("k8s/monitoring/prometheus-adapter-values.yaml")));
        assertThat(values.path("rules").path("custom")).anySatisfy(rule -> {
            assertThat(rule.path("seriesQuery").asText()).startsWith(CONNECTIONS_METRIC + "{");
            assertThat(rule.path("name").path("as").asText()).isEqualTo(CONNECTIONS_METRIC);
            assertThat(rule.path("resources").path("overrides").path("pod").path("resource").asText()).isEqualTo("pod");
            assertThat(rule.path("resources").path("overrides").path("namespace").path("resource").asText())
                    .isEqualTo("namespace");
            assertThat(rule.path("metricsQuery").asText()).contains("<<.Series>>").doesNotContain("rate(");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void kafkaIsAStrimziKraftClusterTheMonitorBootstrapsFrom(String name) {
        RenderedOverlay overlay = overlay(name);
        List<GenericKubernetesResource> kafkas = overlay.custom("Kafka");
        assertThat(kafkas).hasSize(1);
        GenericKubernetesResource kafka = kafkas.get(0);
        String cluster = kafka.getMetadata().getName();
        assertThat(kafka.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/node-pools", "enabled")
                .containsEntry("strimzi.io/kraft", "enabled");
        assertThat(kafka.<Object>get("spec", "zookeeper")).as("KRaft: no ZooKeeper").isNull();
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        Map<String, Object> plain = listeners.stream().filter(l -> Boolean.FALSE.equals(l.get("tls"))).findFirst().orElseThrow();
        assertThat(plain.get("type")).isEqualTo("internal");

        List<GenericKubernetesResource> pools = overlay.custom("KafkaNodePool");
        assertThat(pools).isNotEmpty();
        Set<String> roles = new TreeSet<>();
        int brokers = 0;
        for (GenericKubernetesResource pool : pools) {
            assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            List<String> poolRoles = pool.get("spec", "roles");
            roles.addAll(poolRoles);
            Number replicas = pool.get("spec", "replicas");
            assertThat(replicas.intValue()).isPositive();
            if (poolRoles.contains("broker")) {
                brokers += replicas.intValue();
            }
            assertThat(pool.<Object>get("spec", "storage", "type")).isNotNull();
        }
        assertThat(roles).containsExactlyInAnyOrder("broker", "controller");
        Map<String, Object> config = kafka.get("spec", "kafka", "config");
        assertThat(((Number) config.get("offsets.topic.replication.factor")).intValue()).isLessThanOrEqualTo(brokers);
        assertThat(((Number) config.get("min.insync.replicas")).intValue()).isLessThanOrEqualTo(brokers);
        for (GenericKubernetesResource topic : overlay.custom("KafkaTopic")) {
            assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            assertThat(((Number) topic.get("spec", "replicas")).intValue()).isLessThanOrEqualTo(brokers);
        }
        Map<String, String> env = env(overlay, containers(overlay.workload("consumer-monitor-service")).get(0));
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(cluster + "-kafka-bootstrap:" + plain.get("port"));
        // Strimzi writes the listener's peers into the brokers' NetworkPolicy: the monitor must be one.
        List<Map<String, Object>> peers = (List<Map<String, Object>>) plain.get("networkPolicyPeers");
        assertThat(peers).anySatisfy(peer -> assertThat(RenderedOverlay.matches(
                (Map<String, String>) ((Map<String, Object>) peer.get("podSelector")).get("matchLabels"),
                overlay.workload("consumer-monitor-service").podLabels())).isTrue());
        assertThat(overlay.custom("KafkaTopic")).extracting(t -> (String) t.get("spec", "topicName"))
                .contains("transactions_topic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceReachesRedisInTheModeRedisRunsIn(String name) {
        RenderedOverlay overlay = overlay(name);
        String redisConf = overlay.get(ConfigMap.class, "redis-config").getData().get("redis.conf");
        boolean cluster = redisConf.lines().map(String::trim).anyMatch(l -> l.equals("cluster-enabled yes"));
        StatefulSet redis = overlay.get(StatefulSet.class, "redis");
        if (cluster) {
            assertThat(redis.getSpec().getReplicas()).as("three masters with a replica each").isEqualTo(6);
            assertThat(overlay.workload("redis-cluster-init").owner().getKind()).isEqualTo("Job");
            assertThat(String.join(" ", containers(overlay.workload("redis")).get(0).getCommand()))
                    .contains("--cluster-announce-hostname");
        } else {
            assertThat(redis.getSpec().getReplicas()).isEqualTo(1);
        }
        for (Repository.Service service : Repository.SERVICES) {
            Map<String, String> env = env(overlay, containers(overlay.workload(service.name())).get(0));
            String hosts = env.get("QUARKUS_REDIS_HOSTS");
            assertThat(hosts).as("%s Redis", service.name()).startsWith("redis://");
            String hostPort = hosts.substring("redis://".length());
            Service target = overlay.get(Service.class, hostPort.substring(0, hostPort.indexOf(':')));
            int port = Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
            assertThat(target.getSpec().getPorts()).extracting(ServicePort::getPort).contains(port);
            assertThat(overlay.selected(target.getSpec().getSelector())).extracting(w -> w.owner().getMetadata().getName())
                    .containsExactly("redis");
            // Sharded Pub/Sub exactly when Redis is a cluster, with the cluster client.
            assertThat(env.get("HELIOGRAPH_SHARDED")).as("%s HELIOGRAPH_SHARDED", service.name())
                    .isEqualTo(Boolean.toString(cluster));
            assertThat(env.getOrDefault("QUARKUS_REDIS_CLIENT_TYPE", "standalone")).as("%s client type", service.name())
                    .isEqualTo(cluster ? "cluster" : "standalone");
        }
    }

    private static boolean opens(Workload workload, IntOrString port) {
        for (Container c : containers(workload)) {
            for (ContainerPort p : nonNull(c.getPorts())) {
                if (port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort()) : port.getStrVal().equals(p.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String path(Probe probe, Container c) {
        assertThat(probe).as("probe of %s", c.getName()).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("HTTP probe of %s", c.getName()).isNotNull();
        assertThat(c.getPorts()).anySatisfy(p -> assertThat(get.getPort().getIntVal() != null
                ? get.getPort().getIntVal().equals(p.getContainerPort()) : get.getPort().getStrVal().equals(p.getName())).isTrue());
        return get.getPath();
    }

    /** The environment a container starts with: its ConfigMaps' keys, then its own variables (literal or a reference). */
    private static Map<String, String> env(RenderedOverlay overlay, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : nonNull(c.getEnvFrom())) {
            if (from.getConfigMapRef() != null) {
                env.putAll(overlay.get(ConfigMap.class, from.getConfigMapRef().getName()).getData());
            }
        }
        for (EnvVar var : nonNull(c.getEnv())) {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : "<from " + var.getValueFrom() + ">");
        }
        return new HashMap<>(env);
    }

    private static List<Container> containers(Workload workload) {
        return workload.template().getSpec().getContainers();
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
