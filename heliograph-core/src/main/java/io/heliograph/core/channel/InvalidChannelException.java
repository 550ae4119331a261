package io.heliograph.core.channel;

import io.heliograph.core.publish.PublishException;

/** A channel name that breaks the grammar of PROTOCOL.md section 1. */
public class InvalidChannelException extends PublishException {

    public InvalidChannelException(String value) {
        super(Reason.INVALID_CHANNEL, "invalid channel name " + describe(value)
                + ": expected ^[a-z0-9][a-z0-9._:-]{0,127}$");
    }

    private static String describe(String value) {
        if (value == null) {
            return "(missing)";
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "'" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
