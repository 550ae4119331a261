package io.heliograph.core.envelope;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The event envelope: a CloudEvents 1.0 structured-mode JSON object (PROTOCOL.md section 2).
 *
 * @param data any value Jackson can write; it is encoded once, at publish time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(String specversion, String id, String source, String type, String time,
        String subject, String datacontenttype, Object data) {

    public static final String SPEC_VERSION = "1.0";
    /** The event-type grammar of the protocol. */
    public static final Pattern TYPE_PATTERN = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");

    private static final DateTimeFormatter TIME = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The last time formatted: under load many events share a millisecond, and formatting is on the publish path. */
    private static volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");

    private record Stamp(long millis, String text) {
    }

    /** A new event with a random id and the current time. */
    public static CloudEvent of(String source, String type, String subject, Object data) {
        return withId(UUID.randomUUID().toString(), source, type, subject, data);
    }

    /** A new event with the publisher's own id (used for idempotency). */
    public static CloudEvent withId(String id, String source, String type, String subject, Object data) {
        return new CloudEvent(SPEC_VERSION, id, source, type, now(), subject,
                data == null ? null : "application/json", data);
    }

    private static String now() {
        long millis = System.currentTimeMillis();
        Stamp stamp = lastStamp;
        if (stamp.millis() != millis) {
            stamp = new Stamp(millis, TIME.format(Instant.ofEpochMilli(millis)));
            lastStamp = stamp;
        }
        return stamp.text();
    }

    public static boolean isValidType(String type) {
        return type != null && TYPE_PATTERN.matcher(type).matches();
    }
}
