package io.heliograph.gateway.websocket;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.heliograph.gateway.hub.EventLoops;
import io.heliograph.gateway.hub.Frame;
import io.heliograph.gateway.hub.Transport;
import io.heliograph.gateway.protocol.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.VoidChannelPromise;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.WebSocketBase;

/**
 * {@link Transport} over a websockets-next connection, written through its Netty channel.
 *
 * <p>Fast path (a fanned-out frame, on the connection's own event loop): the shared encoded frame
 * is queued as a {@code retainedDuplicate()} past the WebSocket encoder, with no copy, queue, lock
 * or task of its own, and the socket is flushed once at the end of the loop turn
 * ({@link EventLoops.Turn}). Writes from other threads (replies and recovered frames completing on
 * a Redis callback) cross to the loop through a queue; while that queue holds anything, fast-path
 * frames queue behind it, so frames keep the order of the calls.
 *
 * <p>The connection's Netty outbound buffer has {@code outbound-buffer-bytes} as its high water
 * mark: a client that does not read fills it and is closed with 4009. What every connection has
 * queued is reported to {@link OutboundMemory}, which bounds the node as a whole.
 */
final class WebSocketTransport implements Transport, EventLoops.Flushable {

    /** A ping frame with payload "hb"; control frames may go between any two whole frames. */
    private static final ByteBuf PING = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(4).writeBytes(new byte[] { (byte) 0x89, 2, 'h', 'b' }));

    private final WebSocketConnection connection;
    private final Channel channel;
    /** Writes from here skip the WebSocket encoder: the buffers are whole frames already. */
    private final ChannelHandlerContext encoder;
    private final EventLoops.Turn turn;
    /**
     * A void promise that does not fire {@code exceptionCaught}: when a slow consumer's socket is
     * closed, every frame still queued fails, and the channel's own void promise would report each
     * one as an error of the connection.
     */
    private final VoidChannelPromise quiet;
    private final OutboundMemory memory;
    private final Runnable onSlowConsumer;
    private final long closeGraceMillis;
    /** {@code outbound-buffer-bytes}: more than this still queued after a flush is a slow consumer. */
    private final long limit;
    private final ConcurrentLinkedQueue<String> crossing = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Loop-confined: queued for this turn's flush. */
    private boolean dirty;
    /**
     * What stayed queued after this connection's last flush, as reported to {@link #memory}: written
     * on the loop, read by {@link OutboundMemory}'s pass from any loop. Not the live queue: mid-turn
     * that also holds frames written but not yet flushed, which a reading client takes at the flush.
     */
    private volatile long reported;

    WebSocketTransport(WebSocketConnection connection, EventLoops loops, OutboundMemory memory, long limit,
            Duration closeGrace, Runnable onSlowConsumer) {
        this.closeGraceMillis = closeGrace.toMillis();
        this.limit = limit;
        this.connection = connection;
        WebSocketBase socket = VertxSockets.of(connection);
        socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, limit));
        this.channel = VertxSockets.context(socket).channel();
        this.encoder = VertxSockets.encoder(channel.pipeline());
        this.quiet = new VoidChannelPromise(channel, false);
        int loop = loops.indexOf(channel.eventLoop());
        if (loop < 0) {
            throw new IllegalStateException("a WebSocket on an event loop Vert.x does not list: " + channel.eventLoop());
        }
        this.turn = loops.turn(loop);
        this.memory = memory;
        this.onSlowConsumer = onSlowConsumer;
        memory.register(this);
        channel.closeFuture().addListener(f -> released());
    }

    @Override
    public EventExecutor loop() {
        return turn.loop();
    }

    @Override
    public void write(String frame) {
        if (closed.get()) {
            return;
        }
        if (crossing.isEmpty() && turn.loop().inEventLoop()) {
            writeNow(Frame.webSocketText(frame));
            return;
        }
        crossing.add(frame);
        if (scheduled.compareAndSet(false, true)) {
            turn.loop().execute(this::drainCrossing);
        }
    }

    @Override
    public void write(Frame frame) {
        if (closed.get()) {
            return;
        }
        ByteBuf wire = frame.wire();
        if (wire == null || !crossing.isEmpty() || !turn.loop().inEventLoop()) {
            write(frame.text());
            return;
        }
        writeNow(wire.retainedDuplicate());
    }

    /** Sends a WebSocket ping (the shared bytes of one ping frame); any thread. */
    void ping() {
        if (closed.get()) {
            return;
        }
        if (turn.loop().inEventLoop()) {
            writeNow(PING.duplicate());
        } else {
            turn.loop().execute(() -> writeNow(PING.duplicate()));
        }
    }

    private void drainCrossing() {
        scheduled.set(false);
        String frame;
        while ((frame = crossing.poll()) != null) {
            writeNow(Frame.webSocketText(frame));
        }
    }

    /** On the loop: queues one whole frame, or closes the connection as a slow consumer. */
    private void writeNow(ByteBuf frame) {
        if (!channel.isActive()) {
            frame.release();
            crossing.clear();
            return;
        }
        if (!channel.isWritable()) {
            // Frames written this turn count too: a burst after a stall can fill the buffer of a client
            // that reads. What the flush does not get into its socket is what it really has not read.
            // Netty turns writable again only under half the limit; the limit is what decides.
            encoder.flush();
            if (pending() > limit) {
                frame.release();
                slowConsumer();
                return;
            }
        }
        encoder.write(frame, quiet);
        if (!dirty) {
            dirty = true;
            turn.flushLater(this);
        }
    }

    @Override
    public void flushNow() {
        dirty = false;
        encoder.flush();
        long now = pending();
        if (now != reported) {
            long delta = now - reported;
            reported = now;
            memory.changed(delta);
        }
    }

    /** Bytes that stayed queued after this connection's last flush (see {@link #reported}). Any thread. */
    long held() {
        return reported;
    }

    /** Bytes queued in Netty for this connection now, framing overhead included. */
    private long pending() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** On the loop, once the channel closed: its queued buffers are released. */
    private void released() {
        memory.changed(-reported);
        reported = 0;
        memory.unregister(this);
        crossing.clear();
    }

    /** Closes with 4009; used by the per-connection limit and by {@link OutboundMemory}. */
    void slowConsumer() {
        if (!closed.get()) {
            onSlowConsumer.run();
            close(CloseCodes.SLOW_CONSUMER);
        }
    }

    /**
     * A slow consumer's not-yet-written frames are dropped at once (that is the point of closing it);
     * any other close first writes what is queued, so the client sees the error that explains it.
     */
    @Override
    public void close(CloseCodes code) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (code == CloseCodes.SLOW_CONSUMER) {
            crossing.clear();
            connection.close(code.reason()).subscribe().with(x -> { }, x -> { });
            // The close frame queues behind what the client is not reading, and Vert.x closes the
            // socket only once it was written: without this the socket and its buffers stay forever.
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, closeGraceMillis, TimeUnit.MILLISECONDS);
            return;
        }
        turn.loop().execute(() -> {
            drainCrossing();
            connection.close(code.reason()).subscribe().with(x -> { }, x -> { });
        });
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && connection.isOpen();
    }
}
