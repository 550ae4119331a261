package io.heliograph.monitor.lifecycle;

/** What a record's value holds. */
public enum DataType {
    /** One JSON object: one row. */
    SINGLE_MESSAGE,
    /** CSV text with a header line: one row per following line. */
    CSV_BATCH;

    /** The content type the producer endpoints stamp on records of this kind (Kafka header {@code content-type}). */
    public String contentType() {
        return this == SINGLE_MESSAGE ? "application/json" : "text/csv";
    }
}
