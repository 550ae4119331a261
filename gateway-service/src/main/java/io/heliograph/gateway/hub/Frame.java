package io.heliograph.gateway.hub;

import java.nio.charset.StandardCharsets;

import io.heliograph.gateway.protocol.FramePosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * One published frame as the fan-out hands it to every subscriber of the node: its text (for
 * transports that rewrap it and for the recovery buffer), its position, and the whole WebSocket
 * text frame (header and payload) encoded once into one pooled direct buffer. A WebSocket
 * connection queues a {@code retainedDuplicate()} of it, so the bytes exist once in memory however
 * many connections have them queued.
 *
 * <p>The fan-out owns one reference to {@link #wire()} and releases it when every loop is done.
 */
public final class Frame {

    private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private final String text;
    private final FramePosition position;
    private final ByteBuf wire;

    Frame(String text, FramePosition position, ByteBuf wire) {
        this.text = text;
        this.position = position;
        this.wire = wire;
    }

    public String text() {
        return text;
    }

    public FramePosition position() {
        return position;
    }

    /** The encoded WebSocket frame, or null when no WebSocket connection of this node wants it. */
    public ByteBuf wire() {
        return wire;
    }

    /** The unmasked, final WebSocket text frame of {@code payload} (RFC 6455 section 5.2) in a pooled direct buffer. */
    public static ByteBuf webSocketText(ByteBuf payload) {
        int length = payload.readableBytes();
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf out = ALLOCATOR.directBuffer(header + length);
        out.writeByte(0x81); // FIN + text
        if (length < 126) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
        out.writeBytes(payload, payload.readerIndex(), length);
        return out;
    }

    /** The WebSocket text frame of {@code text}, for frames that are written to one connection only. */
    public static ByteBuf webSocketText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return webSocketText(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
    }
}
