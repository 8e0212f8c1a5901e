package io.pushwire.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket spoken by hand over a plain {@link Socket}, for clients that misbehave below what a WebSocket
 * library allows: one that completes the upgrade and then never says a word, one that never reads, one
 * with a tiny receive buffer. Each costs one socket and no thread, so a test can hold thousands.
 */
final class HandRolledSocket implements AutoCloseable {
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_CLOSE = 0x8;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;

    private HandRolledSocket(Socket socket, InputStream in, int status) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.status = status;
    }

    /**
     * Connects from {@code localAddress} (any of 127/8: one address per simulated attacker) and sends the
     * upgrade request for {@code /ws} with subprotocol {@code pushwire.v1}; reads the response's head.
     *
     * @param receiveBufferBytes the socket's receive buffer, or 0 for the system's default
     */
    static HandRolledSocket upgrade(InetAddress localAddress, int port, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes); // before connect, or the window is already set
            }
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String request = "GET /ws HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: pushwire.v1\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(head.indexOf(' ') + 1, head.indexOf(' ') + 4));
            return new HandRolledSocket(socket, in, status);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The HTTP status of the upgrade: 101 when it became a WebSocket. */
    int status() {
        return status;
    }

    /** Sends one masked text frame, as a client must. */
    void sendText(String text) throws IOException {
        sendFrame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a close frame with {@code code} and {@code reason}, and nothing after it. */
    void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        sendFrame(OPCODE_CLOSE, payload);
    }

    /** Ends the connection with a TCP reset (RST), as a crashed host or a middlebox does: no close frame, no FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            throw new IllegalArgumentException("frames over 64 KiB are not needed here");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Reads (skipping text frames) until the server's close frame and returns its code; -1 when the socket
     * ended without one (the server dropped it), 0 when nothing came within {@code timeoutMs}.
     */
    int awaitClose(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return -1;
                }
                long length = in.read() & 0x7f; // server frames are not masked
                if (length == 126) {
                    length = (readByte() << 8) | readByte();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | readByte();
                    }
                }
                byte[] payload = in.readNBytes(Math.toIntExact(length));
                if (payload.length < length) {
                    return -1;
                }
                if ((first & 0x0f) == OPCODE_CLOSE) {
                    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            }
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1; // reset: dropped without a close frame
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release beyond the socket itself
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** The response's status line and headers, up to the blank line; the stream is left at the first frame. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended in the response head: " + head);
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString();
    }
}
