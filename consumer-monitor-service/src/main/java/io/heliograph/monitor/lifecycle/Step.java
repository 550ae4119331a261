package io.heliograph.monitor.lifecycle;

/**
 * The steps of a record's lifecycle, in order. Each is recorded in Redis after it took effect, so
 * a redelivered record resumes after the last recorded step.
 */
public enum Step {
    /** {@code message-received} published and totalMessages counted. */
    RECEIVED("received"),
    /** {@code processing-started} published. */
    STARTED("started"),
    /** Validated, dead-lettered when failed, processedMessages or failedMessages counted, logged. */
    FINISHED("finished"),
    /** {@code processing-completed} or {@code processing-failed} published: nothing left to do. */
    DONE("done");

    private final String field;

    Step(String field) {
        this.field = field;
    }

    /** The field of the record's progress hash. */
    public String field() {
        return field;
    }

    public static Step ofField(String field) {
        for (Step step : values()) {
            if (step.field.equals(field)) {
                return step;
            }
        }
        throw new IllegalArgumentException("unknown step " + field);
    }
}
