package io.heliograph.gateway.protocol;

/**
 * Reads the epoch and offset from the fixed header of an {@code event} frame without parsing
 * the JSON: the publish script always writes {@code {"op":"event","channel":"C","epoch":"E","offset":N,...}},
 * and channel names and epochs never contain quotes. This is what keeps fan-out parse-free.
 *
 * @param channel the channel named in the frame
 * @param epoch   null when the payload is not an event frame (for example a presence {@code join})
 */
public record FramePosition(String channel, String epoch, long offset) {

    private static final String PREFIX = "{\"op\":\"event\",\"channel\":\"";
    private static final String EPOCH = "\",\"epoch\":\"";
    private static final String OFFSET = "\",\"offset\":";

    public static final FramePosition NOT_AN_EVENT = new FramePosition(null, null, -1);

    public static FramePosition of(String frame) {
        if (!frame.startsWith(PREFIX)) {
            return NOT_AN_EVENT;
        }
        int epochAt = frame.indexOf(EPOCH, PREFIX.length());
        if (epochAt < 0) {
            return NOT_AN_EVENT;
        }
        int epochStart = epochAt + EPOCH.length();
        int offsetAt = frame.indexOf(OFFSET, epochStart);
        if (offsetAt < 0) {
            return NOT_AN_EVENT;
        }
        long offset = 0;
        for (int i = offsetAt + OFFSET.length(); i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            offset = offset * 10 + (c - '0');
        }
        return new FramePosition(frame.substring(PREFIX.length(), epochAt), frame.substring(epochStart, offsetAt), offset);
    }

    /** The envelope's {@code type}: the first {@code "type":"} after {@code "event":}, which escaping makes unambiguous. */
    public static String eventType(String frame) {
        int event = frame.indexOf("\"event\":{");
        int at = event < 0 ? -1 : frame.indexOf("\"type\":\"", event);
        if (at < 0) {
            return null;
        }
        int start = at + 8;
        int end = frame.indexOf('"', start);
        return end < 0 ? null : frame.substring(start, end);
    }

    public boolean isEvent() {
        return epoch != null;
    }
}
