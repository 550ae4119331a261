package io.heliograph.monitor.stats;

/**
 * One finished record as {@code /api/logs/recent} shows it.
 *
 * @param status    PROCESSED or FAILED
 * @param error     why it failed, or null
 * @param timestamp when it finished (ISO-8601)
 */
public record LogEntry(String logId, String topic, int partition, long offset, String dataType, int rowCount,
        String status, String consumerId, String error, String timestamp) {
}
