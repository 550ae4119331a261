package io.heliograph.monitor.stats;

import java.util.List;

/**
 * One monitor instance as {@code /api/consumers} lists it; also the data of {@code consumer-status-changed}.
 *
 * @param status     ACTIVE or INACTIVE
 * @param partitions the partitions it holds, as {@code <topic>-<partition>} (empty when INACTIVE)
 * @param lastSeen   its last heartbeat (ISO-8601)
 */
public record ConsumerInfo(String consumerId, String status, List<String> partitions, String lastSeen) {

    public static final String ACTIVE = "ACTIVE";
    public static final String INACTIVE = "INACTIVE";

    public ConsumerInfo inactive() {
        return new ConsumerInfo(consumerId, INACTIVE, List.of(), lastSeen);
    }
}
