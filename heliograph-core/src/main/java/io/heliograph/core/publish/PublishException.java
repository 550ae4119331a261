package io.heliograph.core.publish;

/**
 * Why an event was not published. The reason codes are the protocol's error codes, so every
 * caller (the relay's problem JSON, the gateway's {@code error} frame) reports the same thing.
 */
public class PublishException extends RuntimeException {

    public enum Reason {
        /** The channel name breaks the grammar. */
        INVALID_CHANNEL("invalid_channel"),
        /** The namespace is not configured or the caller may not use it. */
        FORBIDDEN("forbidden"),
        /** The envelope is malformed (for example an invalid event type). */
        BAD_REQUEST("bad_request"),
        /** The encoded envelope exceeds the size limit. */
        TOO_LARGE("too_large"),
        /**
         * More publishes are waiting for Redis than this process admits ({@code heliograph.publish-max-in-flight})
         * while Redis keeps answering: back-pressure, nothing was published, retry after a short pause.
         */
        RATE_LIMITED("rate_limited"),
        /**
         * Redis could not be reached or did not answer in time. The event MAY have been published (a timeout can
         * hide a success); a retry with the same event id and idempotency scope is published at most once.
         */
        UNAVAILABLE("unavailable");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The protocol error code. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final String eventId;

    public PublishException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public PublishException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, null);
    }

    private PublishException(Reason reason, String message, Throwable cause, String eventId) {
        super(message, cause);
        this.reason = reason;
        this.eventId = eventId;
    }

    public Reason reason() {
        return reason;
    }

    /** The id of the event this is about, when the caller knows it (a retry with it is idempotent); may be null. */
    public String eventId() {
        return eventId;
    }

    /** The same failure, naming the event it is about. */
    public PublishException forEvent(String id) {
        return new PublishException(reason, getMessage(), getCause(), id);
    }

    /** True when the same event may succeed later ({@code rate_limited}, {@code unavailable}); retry with its id. */
    public boolean retryable() {
        return reason == Reason.RATE_LIMITED || reason == Reason.UNAVAILABLE;
    }
}
