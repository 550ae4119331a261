package io.heliograph.monitor.lifecycle;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.heliograph.monitor.config.MonitorConfig;

/** The configured rule set ({@code heliograph.monitor.validation.*}) applied to every row. Thread-safe. */
@Singleton
public class RowValidator {

    private final List<String> required;
    private final List<String> numericAnyOf;

    public RowValidator(MonitorConfig config) {
        this.required = config.validation().requiredFields().orElse(List.of());
        this.numericAnyOf = config.validation().numericAnyOf();
    }

    /** Why the record fails, naming the first bad row, or empty when every row passes. */
    public Optional<String> validate(ParsedRecord record) {
        if (!record.readable()) {
            return Optional.of(record.error());
        }
        List<Map<String, Object>> rows = record.rows();
        for (int i = 0; i < rows.size(); i++) {
            Optional<String> problem = check(rows.get(i));
            if (problem.isPresent()) {
                String where = record.dataType() == DataType.CSV_BATCH ? "row " + (i + 1) + ": " : "";
                return Optional.of(where + problem.get());
            }
        }
        return Optional.empty();
    }

    private Optional<String> check(Map<String, Object> row) {
        for (String field : required) {
            Object value = row.get(field);
            if (value == null || value.toString().isBlank()) {
                return Optional.of("missing required field '" + field + "'");
            }
        }
        if (numericAnyOf.isEmpty()) {
            return Optional.empty();
        }
        for (String field : numericAnyOf) {
            Object value = row.get(field);
            if (value != null && !value.toString().isBlank()) {
                return isNumeric(value) ? Optional.empty()
                        : Optional.of("field '" + field + "' is not numeric: '" + abbreviate(value.toString()) + "'");
            }
        }
        return Optional.of("needs a numeric " + String.join(" or ", numericAnyOf.stream().map(f -> "'" + f + "'").toList()));
    }

    private static boolean isNumeric(Object value) {
        if (value instanceof Number) {
            return true;
        }
        if (!(value instanceof String text)) {
            return false;
        }
        try {
            new BigDecimal(text.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
