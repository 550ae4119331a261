package io.heliograph.deployment.k8s;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Strict parsing on top of fabric8's typed model: fabric8 keeps fields its schema does not know in
 * {@code additionalProperties} instead of failing, so a misspelt or misplaced field
 * ({@code readinesProbe}, {@code ports} under the wrong parent) would pass silently. This walks
 * the typed object graph and reports every such field with its path.
 */
final class StrictModel {

    private StrictModel() {
    }

    static List<String> unknownFields(Object model) {
        List<String> unknown = new ArrayList<>();
        walk(model, "", unknown, new IdentityHashMap<>());
        return unknown;
    }

    private static void walk(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "[" + key + "]", unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        if (node instanceof GenericKubernetesResource) {
            throw new AssertionError("untyped object at " + path + ": fabric8 does not know its kind");
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            String field = getter.getName().substring(3);
            if (field.equals("AdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> unknown.add(path + "." + key));
                }
                continue;
            }
            walk(value, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), unknown, seen);
        }
    }
}
