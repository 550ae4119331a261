package io.heliograph.bench;

/**
 * The bytes of a Heliograph {@code event} frame (PROTOCOL.md section 4), built the way the publish
 * script ({@code heliograph/publish.lua}) concatenates them. The floor forwards whatever is
 * published on a Redis channel, so publishing it these bytes makes both servers carry frames of
 * the same size and layout, and lets the client read offsets and timestamps from both alike.
 * {@code FrameBuilderTest} compares the result with a frame the real script published.
 */
final class FrameBuilder {

    private FrameBuilder() {
    }

    /** {@code {"op":"event","channel":C,"epoch":E,"offset":N,"event":<envelope>}} with no spaces, as the script writes it. */
    static String eventFrame(String channel, String epoch, long offset, String envelopeJson) {
        return "{\"op\":\"event\",\"channel\":\"" + channel + "\",\"epoch\":\"" + epoch + "\",\"offset\":" + offset
                + ",\"event\":" + envelopeJson + "}";
    }
}
