package io.heliograph.fetcher.source;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads required fields out of API responses, failing with the path that was missing. */
public final class Json {

    private Json() {
    }

    /** The number at {@code path} (a JSON Pointer); APIs that send numbers as strings are accepted too. */
    public static double number(JsonNode root, String path) {
        JsonNode node = root == null ? null : root.at(path);
        if (node != null && node.isNumber()) {
            return node.doubleValue();
        }
        if (node != null && node.isTextual()) {
            try {
                return Double.parseDouble(node.textValue());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new MalformedResponseException("no number at " + path);
    }

    public static String text(JsonNode root, String path) {
        JsonNode node = root == null ? null : root.at(path);
        if (node == null || !node.isValueNode() || node.isNull()) {
            throw new MalformedResponseException("no value at " + path);
        }
        return node.asText();
    }
}
