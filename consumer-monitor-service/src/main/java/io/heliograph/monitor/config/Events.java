package io.heliograph.monitor.config;

/** The event source and types this service publishes (PROTOCOL.md section 2). */
public final class Events {

    /** CloudEvents {@code source} of every event of this service. */
    public static final String SOURCE = "/consumer-monitor-service";

    public static final String MESSAGE_RECEIVED = "message-received";
    public static final String PROCESSING_STARTED = "processing-started";
    public static final String PROCESSING_COMPLETED = "processing-completed";
    public static final String PROCESSING_FAILED = "processing-failed";
    public static final String STATS_UPDATED = "stats-updated";
    public static final String CONSUMER_STATUS_CHANGED = "consumer-status-changed";

    private Events() {
    }
}
