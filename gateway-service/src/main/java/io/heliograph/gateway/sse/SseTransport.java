package io.heliograph.gateway.sse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.protocol.CloseCodes;
import io.heliograph.gateway.protocol.FramePosition;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@link Transport} over Server-Sent Events. Each event frame becomes an SSE event whose {@code id}
 * lists the positions of every channel of the stream ({@code A@e9:46,B@e3:12}), so a reconnecting
 * EventSource resumes all of them with {@code Last-Event-ID}. Writes run on the request's event
 * loop in call order; a response whose write queue stays full is a slow consumer and is ended.
 */
final class SseTransport implements Transport {

    private final HttpServerResponse response;
    private final Context context;
    private final Map<String, String> positions = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    SseTransport(HttpServerResponse response, Context context) {
        this.response = response;
        this.context = context;
    }

    /** Records a channel's starting position (from the subscription). */
    synchronized void position(String channel, String epoch, long offset) {
        positions.put(channel, epoch + ":" + offset);
    }

    @Override
    public void write(String frame) {
        if (closed.get()) {
            return;
        }
        String chunk;
        synchronized (this) {
            FramePosition position = FramePosition.of(frame);
            String name;
            if (position.isEvent()) {
                positions.put(position.channel(), position.epoch() + ":" + position.offset());
                name = FramePosition.eventType(frame);
            } else {
                int op = frame.indexOf("\"op\":\"");
                name = op < 0 ? "message" : frame.substring(op + 6, frame.indexOf('"', op + 6));
            }
            StringBuilder id = new StringBuilder();
            positions.forEach((c, p) -> id.append(id.length() == 0 ? "" : ",").append(c).append('@').append(p));
            chunk = "id: " + id + "\nevent: " + (name == null ? "message" : name) + "\ndata: " + frame + "\n\n";
        }
        context.runOnContext(v -> {
            // Not the closed flag: a frame written just before close (the error that explains it)
            // still goes out, ahead of the end that close queued after it.
            if (response.ended() || response.closed()) {
                return;
            }
            if (response.writeQueueFull()) {
                close(CloseCodes.SLOW_CONSUMER);
                return;
            }
            response.write(chunk);
        });
    }

    /** An SSE comment line keeps proxies from closing an idle stream. */
    void keepAlive() {
        context.runOnContext(v -> {
            if (!closed.get() && !response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
    }

    @Override
    public void close(CloseCodes code) {
        if (closed.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                if (!response.ended() && !response.closed()) {
                    response.end();
                }
            });
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && !response.closed();
    }
}
