package io.heliograph.deployment.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.heliograph.deployment.Repository;

/**
 * Renders an overlay the way an operator applies it, with {@code kubectl kustomize}, and parses
 * every object into fabric8's typed model. The overlay is rendered from a copy of {@code k8s/} in
 * which each {@code secrets/*.env} is created from its committed {@code *.env.example}, exactly the
 * step k8s/README.md asks of an operator (real credentials are never committed).
 */
final class Kustomize {

    static final String KUBECTL = "/usr/bin/kubectl";
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Kustomize() {
    }

    /** The objects of {@code k8s/overlays/<overlay>}, typed, each checked for unknown fields. */
    static RenderedOverlay render(String overlay) throws IOException, InterruptedException {
        String yaml = kubectlKustomize(overlay);
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String json = doc.toString();
                HasMetadata object = SERIALIZATION.unmarshal(json);
                String id = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
                if (object instanceof GenericKubernetesResource generic) {
                    // Only the Strimzi custom resources have no typed model; they get field checks of their own.
                    if (!generic.getApiVersion().startsWith("kafka.strimzi.io/")) {
                        problems.add(id + ": kind " + generic.getApiVersion() + "/" + generic.getKind()
                                + " is not a known Kubernetes type");
                    }
                } else {
                    StrictModel.unknownFields(object).forEach(field -> problems.add(id + ": unknown field " + field));
                }
                objects.add(object);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("overlay " + overlay + " does not parse strictly:\n  " + String.join("\n  ", problems));
        }
        return new RenderedOverlay(overlay, objects);
    }

    private static String kubectlKustomize(String overlay) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(KUBECTL))) {
            // Fails, never skips: without kubectl nothing here would be verified.
            throw new AssertionError(KUBECTL + " is missing: install kubectl (it bundles kustomize) to verify k8s/");
        }
        Path copy = Files.createTempDirectory("heliograph-k8s-");
        try {
            copyTree(Repository.root().resolve("k8s"), copy);
            Path out = copy.resolve("rendered.yaml");
            Process process = new ProcessBuilder(KUBECTL, "kustomize", copy.resolve("overlays").resolve(overlay).toString())
                    .redirectOutput(out.toFile()).redirectError(copy.resolve("stderr.txt").toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + overlay + " did not finish in 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize k8s/overlays/" + overlay + " failed:\n"
                        + Files.readString(copy.resolve("stderr.txt")));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            deleteTree(copy);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                    String name = target.getFileName().toString();
                    if (name.endsWith(".env.example")) {
                        Path env = target.resolveSibling(name.substring(0, name.length() - ".example".length()));
                        if (!Files.exists(path.resolveSibling(env.getFileName()))) {
                            Files.copy(path, env, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
