package io.heliograph.gateway.protocol;

import java.util.List;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Builds the server frames of PROTOCOL.md section 4. Event frames from Redis are embedded as
 * they are (never parsed and re-encoded); only free text is escaped.
 */
public final class Replies {

    private Replies() {
    }

    public static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    private static String idPart(Long id) {
        return id == null ? "" : ",\"id\":" + id;
    }

    public static String welcome(String session, String node, long heartbeatMs) {
        return "{\"op\":\"welcome\",\"session\":" + quote(session) + ",\"node\":" + quote(node)
                + ",\"protocol\":1,\"heartbeatMs\":" + heartbeatMs + "}";
    }

    public static String subscribed(long id, String channel, String epoch, long offset, boolean recovered, String snapshot) {
        return "{\"op\":\"subscribed\",\"id\":" + id + ",\"channel\":\"" + channel + "\",\"epoch\":" + quote(epoch)
                + ",\"offset\":" + offset + ",\"recovered\":" + recovered + ",\"snapshot\":"
                + (snapshot == null ? "null" : snapshot) + "}";
    }

    public static String unsubscribed(long id, String channel) {
        return "{\"op\":\"unsubscribed\",\"id\":" + id + ",\"channel\":\"" + channel + "\"}";
    }

    public static String published(long id, String channel, String epoch, long offset) {
        return "{\"op\":\"published\",\"id\":" + id + ",\"channel\":\"" + channel + "\",\"epoch\":" + quote(epoch)
                + ",\"offset\":" + offset + "}";
    }

    public static String history(long id, String channel, String epoch, long offset, List<String> frames) {
        return "{\"op\":\"history\",\"id\":" + id + ",\"channel\":\"" + channel + "\",\"epoch\":" + quote(epoch)
                + ",\"offset\":" + offset + ",\"events\":[" + String.join(",", frames) + "]}";
    }

    /** @param clients a JSON array of {session, user} objects */
    public static String presence(long id, String channel, int count, String clients) {
        return "{\"op\":\"presence\",\"id\":" + id + ",\"channel\":\"" + channel + "\",\"count\":" + count
                + ",\"clients\":" + clients + "}";
    }

    public static String pong(long id) {
        return "{\"op\":\"pong\",\"id\":" + id + "}";
    }

    public static String authed(long id, String expiresAt) {
        return "{\"op\":\"authed\",\"id\":" + id + ",\"expiresAt\":" + (expiresAt == null ? "null" : quote(expiresAt)) + "}";
    }

    public static String error(Long id, ErrorCode code, String message) {
        return "{\"op\":\"error\"" + idPart(id) + ",\"code\":\"" + code.code() + "\",\"message\":" + quote(message) + "}";
    }

    public static String resubscribe(String channel) {
        return "{\"op\":\"resubscribe\",\"channel\":\"" + channel + "\"}";
    }

    /** A presence change; {@code client} is a JSON object {session, user}. */
    public static String presenceChange(boolean join, String channel, String client) {
        return "{\"op\":\"" + (join ? "join" : "leave") + "\",\"channel\":\"" + channel + "\",\"client\":" + client + "}";
    }
}
