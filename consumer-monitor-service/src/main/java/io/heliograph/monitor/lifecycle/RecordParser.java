package io.heliograph.monitor.lifecycle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import io.heliograph.monitor.config.MonitorConfig;

/**
 * Reads a record value as a JSON object or a CSV batch. Used by the consumer and by the producer
 * endpoints, so what the endpoints accept is exactly what the consumer can read. Never throws:
 * anything unreadable comes back as a {@link ParsedRecord} with an error. Thread-safe.
 */
@Singleton
public class RecordParser {

    private static final CsvSchema WITH_HEADER = CsvSchema.emptySchema().withHeader();

    private final ObjectMapper json;
    private final CsvMapper csv;
    private final int maxRows;

    public RecordParser(ObjectMapper json, MonitorConfig config) {
        this.json = json;
        this.csv = CsvMapper.builder()
                .enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
                .enable(CsvParser.Feature.TRIM_SPACES)
                .build();
        this.maxRows = config.validation().maxRows();
    }

    /**
     * The kind of value: the {@code content-type} header when a producer set one, else a JSON
     * value starts with a brace or bracket and anything else is CSV.
     */
    public DataType detect(String value, String contentType) {
        if (contentType != null) {
            if (contentType.startsWith(DataType.CSV_BATCH.contentType())) {
                return DataType.CSV_BATCH;
            }
            if (contentType.startsWith(DataType.SINGLE_MESSAGE.contentType())) {
                return DataType.SINGLE_MESSAGE;
            }
        }
        String trimmed = value == null ? "" : value.stripLeading();
        return trimmed.startsWith("{") || trimmed.startsWith("[") ? DataType.SINGLE_MESSAGE : DataType.CSV_BATCH;
    }

    public ParsedRecord parse(String value, DataType type) {
        if (value == null || value.isBlank()) {
            return new ParsedRecord(type, List.of(), 0, "the record has no value");
        }
        return type == DataType.SINGLE_MESSAGE ? parseJson(value) : parseCsv(value);
    }

    private ParsedRecord parseJson(String value) {
        Object parsed;
        try {
            // Straight into plain Java values: this runs for every record at broker speed.
            parsed = json.readValue(value, Object.class);
        } catch (JsonProcessingException e) {
            return new ParsedRecord(DataType.SINGLE_MESSAGE, List.of(), 0,
                    "malformed JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof Map<?, ?> object)) {
            return new ParsedRecord(DataType.SINGLE_MESSAGE, List.of(), 0, "expected a JSON object, got " + kind(parsed));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) object;
        return new ParsedRecord(DataType.SINGLE_MESSAGE, List.of(row), 1, null);
    }

    private ParsedRecord parseCsv(String value) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = csv.readerFor(Map.class).with(WITH_HEADER).readValues(value)) {
            while (it.hasNextValue()) {
                if (rows.size() == maxRows) {
                    return new ParsedRecord(DataType.CSV_BATCH, List.of(), dataLines(value),
                            "the CSV batch has more than " + maxRows + " rows");
                }
                rows.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            return new ParsedRecord(DataType.CSV_BATCH, List.of(), dataLines(value),
                    "malformed CSV at row " + (rows.size() + 1) + ": " + firstLine(e.getMessage()));
        }
        if (rows.isEmpty()) {
            return new ParsedRecord(DataType.CSV_BATCH, List.of(), 0, "the CSV batch has a header but no rows");
        }
        return new ParsedRecord(DataType.CSV_BATCH, rows, rows.size(), null);
    }

    /** The JSON type name of a parsed value that is not an object, as the error says it. */
    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        return "number";
    }

    private static int dataLines(String value) {
        return (int) Math.max(0, value.lines().filter(l -> !l.isBlank()).count() - 1);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
