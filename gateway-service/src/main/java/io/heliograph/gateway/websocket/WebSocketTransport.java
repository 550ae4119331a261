package io.heliograph.gateway.websocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.protocol.CloseCodes;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.http.WebSocketBase;

/**
 * {@link Transport} over a websockets-next connection, written through its Netty channel.
 *
 * <p>Every write goes through one queue drained on the connection's own event loop, so frames keep
 * the order of the calls whatever thread makes them. A drain writes every queued frame and flushes
 * the socket once (flush consolidation: one syscall per connection per event-loop turn, not one
 * per frame), and a frame fanned out to many connections is UTF-8 encoded once per thread, not once
 * per connection ({@link #encode}).
 *
 * <p>The connection's Netty outbound buffer has {@code outbound-buffer-bytes} as its high water
 * mark: a client that does not read fills it, is closed with 4009 and its queue is dropped, so its
 * memory is released.
 */
final class WebSocketTransport implements Transport {

    /** The last frame encoded on this thread: fan-out writes one String instance to every subscriber. */
    private static final ThreadLocal<Object[]> LAST_ENCODED = ThreadLocal.withInitial(() -> new Object[2]);

    private final WebSocketConnection connection;
    private final WebSocketBase socket;
    private final ChannelHandlerContext channel;
    private final Context context;
    private final long limit;
    private final Runnable onSlowConsumer;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    WebSocketTransport(WebSocketConnection connection, Context context, long limit, Runnable onSlowConsumer) {
        this.connection = connection;
        this.socket = VertxSockets.of(connection);
        this.socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, limit));
        this.channel = VertxSockets.context(socket);
        this.context = context;
        this.limit = limit;
        this.onSlowConsumer = onSlowConsumer;
    }

    static byte[] encode(String frame) {
        Object[] last = LAST_ENCODED.get();
        if (last[0] == frame) {
            return (byte[]) last[1];
        }
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        last[0] = frame;
        last[1] = bytes;
        return bytes;
    }

    @Override
    public void write(String frame) {
        if (closed.get()) {
            return;
        }
        byte[] bytes = encode(frame);
        if (queued.addAndGet(bytes.length) > limit) {
            slowConsumer();
            return;
        }
        queue.add(bytes);
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> flush());
        }
    }

    private void flush() {
        scheduled.set(false);
        boolean wrote = false;
        byte[] bytes;
        while ((bytes = queue.poll()) != null) {
            queued.addAndGet(-bytes.length);
            if (!channel.channel().isActive()) {
                queue.clear();
                return;
            }
            if (!channel.channel().isWritable()) {
                slowConsumer();
                return;
            }
            // Each connection wraps the shared bytes (no copy); Netty releases the wrapper once written.
            channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void slowConsumer() {
        if (!closed.get()) {
            onSlowConsumer.run();
            close(CloseCodes.SLOW_CONSUMER);
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
