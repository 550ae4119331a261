package io.heliograph.monitor.stats;

import java.util.List;
import java.util.Map;

/**
 * One monitor instance as {@code /api/consumers} lists it.
 *
 * @param status            ACTIVE or INACTIVE
 * @param partitions        the partitions it holds, as {@code <topic>-<partition>} (empty when INACTIVE)
 * @param lastSeen          its last heartbeat (ISO-8601)
 * @param lag               per held partition, end offset minus committed offset (records not yet committed)
 * @param totalLag          the sum of {@code lag}
 * @param messagesPerSecond records it finished per second, over the last lag interval
 */
public record ConsumerInfo(String consumerId, String status, List<String> partitions, String lastSeen,
        Map<String, Long> lag, long totalLag, double messagesPerSecond) {

    public static final String ACTIVE = "ACTIVE";
    public static final String INACTIVE = "INACTIVE";

    public ConsumerInfo {
        lag = lag == null ? Map.of() : lag;
    }

    public ConsumerInfo inactive() {
        return new ConsumerInfo(consumerId, INACTIVE, List.of(), lastSeen, Map.of(), 0, 0);
    }
}
