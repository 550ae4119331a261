package io.heliograph.deployment.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The typed objects of one rendered overlay, with the look-ups the reference checks need. */
record RenderedOverlay(String name, List<HasMetadata> objects) {

    /** A workload's pod template, named by its owner. */
    record Workload(HasMetadata owner, PodTemplateSpec template) {

        String id() {
            return owner.getKind() + "/" + owner.getMetadata().getName();
        }

        Map<String, String> podLabels() {
            Map<String, String> labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
            return labels == null ? Map.of() : labels;
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "overlay " + this.name + " has no " + type.getSimpleName() + " " + name));
    }

    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }

    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        all(Deployment.class).forEach(d -> workloads.add(new Workload(d, d.getSpec().getTemplate())));
        all(StatefulSet.class).forEach(s -> workloads.add(new Workload(s, s.getSpec().getTemplate())));
        all(Job.class).forEach(j -> workloads.add(new Workload(j, j.getSpec().getTemplate())));
        return workloads;
    }

    Workload workload(String name) {
        return workloads().stream().filter(w -> w.owner().getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("overlay " + this.name + " has no workload " + name));
    }

    /** The workloads whose pods a label selector picks. */
    List<Workload> selected(LabelSelector selector) {
        return workloads().stream().filter(w -> matches(selector, w.podLabels())).toList();
    }

    List<Workload> selected(Map<String, String> selector) {
        return workloads().stream().filter(w -> matches(selector, w.podLabels())).toList();
    }

    boolean hasConfigMapKey(String name, String key) {
        return find(ConfigMap.class, name).map(c -> c.getData() != null && c.getData().containsKey(key)).orElse(false);
    }

    boolean hasSecretKey(String name, String key) {
        return find(Secret.class, name).map(s -> Stream.of(s.getData(), s.getStringData())
                .anyMatch(d -> d != null && d.containsKey(key))).orElse(false);
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** Kubernetes label-selector semantics; an empty selector selects everything. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> equal = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        if (!equal.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
                : selector.getMatchExpressions();
        for (LabelSelectorRequirement r : expressions) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
