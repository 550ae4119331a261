package io.heliograph.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately rude WebSocket client on a plain socket: it completes the handshake and can send
 * one command, then never reads again and never answers pings, like a stalled browser tab.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;

    /** With the operating system's default receive buffer, as an ordinary client has. */
    public RawWebSocket(URI base) throws IOException {
        this(base, 0);
    }

    /** With a receive buffer of {@code receiveBuffer} bytes (0: the system default). */
    public RawWebSocket(URI base, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /** Sends one masked text frame (client frames must be masked). */
    public void sendText(String text) throws IOException {
        send(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a close frame (1000) and closes the socket without waiting for the server's close. */
    public void sendCloseAndLeave() throws IOException {
        send(0x88, new byte[] { 0x03, (byte) 0xe8 });
        socket.close();
    }

    /** Drops the TCP connection with a reset, as a tab killed mid-flight or a lost network would. */
    public void drop() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void send(int opcode, byte[] payload) throws IOException {
        byte[] mask = { 0x11, 0x22, 0x33, 0x44 };
        OutputStream out = socket.getOutputStream();
        out.write(opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    /**
     * Starts reading again: skips every frame until the server closes the connection, and returns the
     * code of its close frame, 1006 when the socket ended without one, or -1 when it is still open
     * after {@code timeoutMillis} of silence.
     */
    public int readUntilClosed(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
        try {
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                if ((first & 0x0F) == 0x8) {
                    return length >= 2 ? in.readUnsignedShort() : 1005;
                }
                in.skipNBytes(length);
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return 1006;
        } catch (java.net.SocketTimeoutException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
