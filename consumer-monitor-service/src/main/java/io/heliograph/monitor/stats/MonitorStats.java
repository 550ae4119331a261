package io.heliograph.monitor.stats;

import java.util.Map;

/**
 * The global statistics, across every instance: the body of {@code GET /api/stats} and the data
 * of {@code stats-updated}.
 *
 * @param totalMessages     records received (each counted once, whatever the redeliveries)
 * @param processedMessages records that passed validation
 * @param failedMessages    records that failed and went to the dead-letter topic
 * @param activeConsumers   instances with a live heartbeat
 * @param messagesPerSecond records finished per second, averaged over the rate window
 * @param totalLag          records produced but not yet committed, over the partitions the live instances hold
 * @param lag               the same per partition ({@code <topic>-<partition>})
 * @param timestamp         when these numbers were read (ISO-8601)
 */
public record MonitorStats(long totalMessages, long processedMessages, long failedMessages, long activeConsumers,
        double messagesPerSecond, long totalLag, Map<String, Long> lag, String timestamp) {
}
