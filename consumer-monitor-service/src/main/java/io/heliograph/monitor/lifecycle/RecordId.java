package io.heliograph.monitor.lifecycle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a record lives in Kafka, which is also its identity: a redelivered record has the same id.
 *
 * @param logId the id shown to users and used in event ids: {@code <topic>-<partition>-<offset>}
 *              (for very long topic names a SHA-1 of it, so event ids stay within 128 characters)
 */
public record RecordId(String topic, int partition, long offset, String logId) {

    private static final int MAX_LOG_ID = 100;

    public static RecordId of(String topic, int partition, long offset) {
        String logId = topic + "-" + partition + "-" + offset;
        return new RecordId(topic, partition, offset, logId.length() <= MAX_LOG_ID ? logId : sha1(logId));
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
