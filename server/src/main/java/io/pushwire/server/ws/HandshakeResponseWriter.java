package io.pushwire.server.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.pushwire.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link DataWriter} that adds {@code Sec-WebSocket-Protocol: pushwire.v1} to the 101 response when
 * the client offered it, and passes every later write through untouched.
 */
final class HandshakeResponseWriter implements DataWriter {
    private static final byte[] HEADER = ("Sec-WebSocket-Protocol: " + ProtocolVersion.SUBPROTOCOL + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final String SWITCHING = "HTTP/1.1 101";
    private static final HeaderName SEC_WEBSOCKET_PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    private final DataWriter delegate;
    /**
     * Set by the upgrade thread, which writes the 101; read by every later write, which may come from
     * the connection's writer threads.
     */
    private volatile boolean handshakeWritten;

    private HandshakeResponseWriter(DataWriter delegate) {
        this.delegate = delegate;
    }

    /** The connection's own writer when the client did not ask for our subprotocol, else one that adds it. */
    static DataWriter writerFor(ConnectionContext ctx, WritableHeaders<?> requestHeaders) {
        return offersSubprotocol(requestHeaders) ? new HandshakeResponseWriter(ctx.dataWriter()) : ctx.dataWriter();
    }

    static boolean offersSubprotocol(WritableHeaders<?> headers) {
        if (!headers.contains(SEC_WEBSOCKET_PROTOCOL)) {
            return false;
        }
        return headers.get(SEC_WEBSOCKET_PROTOCOL).allValues(true).stream()
                .map(String::trim)
                .anyMatch(ProtocolVersion.SUBPROTOCOL::equals);
    }

    @Override
    public void write(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            write(buffer);
        }
    }

    @Override
    public void write(BufferData buffer) {
        delegate.write(firstWrite(buffer));
    }

    @Override
    public void writeNow(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            writeNow(buffer);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        delegate.writeNow(firstWrite(buffer));
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private BufferData firstWrite(BufferData buffer) {
        if (handshakeWritten) {
            return buffer;
        }
        handshakeWritten = true;
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes, 0, bytes.length);
        return BufferData.create(withHeader(bytes));
    }

    /** Inserts the header before the blank line that ends a 101 response; anything else is left alone. */
    static byte[] withHeader(byte[] response) {
        String text = new String(response, StandardCharsets.US_ASCII);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith(SWITCHING) || end < 0) {
            return response;
        }
        int insertAt = end + 2;
        byte[] out = Arrays.copyOf(response, response.length + HEADER.length);
        System.arraycopy(HEADER, 0, out, insertAt, HEADER.length);
        System.arraycopy(response, insertAt, out, insertAt + HEADER.length, response.length - insertAt);
        return out;
    }
}
