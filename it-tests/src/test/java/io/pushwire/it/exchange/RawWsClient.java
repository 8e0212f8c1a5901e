package io.pushwire.it.exchange;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A byte-level WebSocket client for what the JDK client will not do: not answering pings, answering them
 * with the wrong payload, fragmenting a message, sending a frame larger than allowed.
 */
final class RawWsClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** A server frame; {@code opcode} -1 means the stream ended, -2 that nothing came in time. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    RawWsClient(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        out.write(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("no handshake answer");
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    void send(int opcode, byte[] payload, boolean fin) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        int length = payload.length;
        ByteBuffer frame = ByteBuffer.allocate(14 + length);
        frame.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        frame.put(mask);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(Frames.TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** The next server frame within {@code timeoutMs}. */
    Frame read(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            int first = in.read();
            if (first < 0) {
                return new Frame(-1, new byte[0]);
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(first & 0x0F, payload);
        } catch (SocketTimeoutException e) {
            return new Frame(-2, new byte[0]);
        } catch (EOFException | SocketException e) {
            return new Frame(-1, new byte[0]); // ended, with a FIN or a reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
