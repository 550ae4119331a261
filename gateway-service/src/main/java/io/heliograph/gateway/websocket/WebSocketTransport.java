package io.heliograph.gateway.websocket;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.protocol.CloseCodes;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.http.WebSocketBase;

/**
 * {@link Transport} over a websockets-next connection. Every write goes through one queue that is
 * drained on the connection's own event loop, so frames keep the order of the calls whatever
 * thread makes them, and a burst of frames costs one task, not one per frame.
 *
 * <p>The outbound buffer of the connection (Netty's, sized to {@code outbound-buffer-bytes} as its
 * high water mark) plus this queue may hold at most that many bytes: a client that does not read
 * fills it, is closed with 4009 and its queue is dropped, so its memory is released.
 */
final class WebSocketTransport implements Transport {

    private final WebSocketConnection connection;
    private final WebSocketBase socket;
    private final Context context;
    private final long limit;
    private final Runnable onSlowConsumer;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    WebSocketTransport(WebSocketConnection connection, Context context, long limit, Runnable onSlowConsumer) {
        this.connection = connection;
        this.socket = VertxSockets.of(connection);
        this.socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, limit));
        this.context = context;
        this.limit = limit;
        this.onSlowConsumer = onSlowConsumer;
    }

    @Override
    public void write(String frame) {
        if (closed.get()) {
            return;
        }
        if (queued.addAndGet(frame.length()) > limit) {
            onSlowConsumer.run();
            close(CloseCodes.SLOW_CONSUMER);
            return;
        }
        queue.add(frame);
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> flush());
        }
    }

    private void flush() {
        scheduled.set(false);
        String frame;
        while ((frame = queue.poll()) != null) {
            queued.addAndGet(-frame.length());
            if (socket.isClosed()) {
                queue.clear();
                return;
            }
            if (socket.writeQueueFull()) {
                onSlowConsumer.run();
                close(CloseCodes.SLOW_CONSUMER);
                return;
            }
            socket.writeTextMessage(frame);
        }
    }

    /**
     * A slow consumer's queue is dropped at once (that is the point of closing it); any other close
     * first writes what is queued, so the client sees the error that explains the close.
     */
    @Override
    public void close(CloseCodes code) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (code == CloseCodes.SLOW_CONSUMER) {
            queue.clear();
            connection.close(code.reason()).subscribe().with(x -> { }, x -> { });
            return;
        }
        context.runOnContext(v -> {
            flush();
            connection.close(code.reason()).subscribe().with(x -> { }, x -> { });
        });
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && connection.isOpen();
    }
}
