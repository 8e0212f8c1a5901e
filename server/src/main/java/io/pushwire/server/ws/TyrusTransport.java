package io.pushwire.server.ws;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.core.Transport;
import io.helidon.common.socket.HelidonSocket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.glassfish.tyrus.core.TyrusRemoteEndpoint;
import org.glassfish.tyrus.core.TyrusWebSocket;

/**
 * {@link Transport} over a Jakarta WebSocket session on Tyrus. Messages go out as frames this class builds
 * ({@link TextFrames}) through Tyrus's raw-frame path, the one its own broadcast uses, so that the same
 * event is encoded and framed once for all connections rather than by Tyrus once per connection. Where
 * that path cannot be reached (another Tyrus), messages go through {@code sendText}.
 */
final class TyrusTransport implements Transport {
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_REASON_BYTES = 123;

    private static final System.Logger LOG = System.getLogger(TyrusTransport.class.getName());
    /** Shared by every connection: it is what lets them share an event's bytes. */
    private static final TextFrames FRAMES = new TextFrames();
    /** {@code TyrusRemoteEndpoint.webSocket}, package-private in Tyrus 2.1; null when not found. */
    private static final Field WEB_SOCKET = webSocketField();

    private final Session session;
    /** Tyrus's socket under the session, for raw frames; null: send text instead. */
    private final TyrusWebSocket rawFrames;
    /** The TCP socket under the session, when the upgrade handed it over; what {@link #abort} closes. */
    private final Optional<HelidonSocket> socket;
    private final String remoteAddress;

    TyrusTransport(Session session, Optional<HelidonSocket> socket) {
        this.session = session;
        this.socket = socket;
        this.remoteAddress = socket.map(s -> s.remotePeer().address().toString()).orElse(session.getId());
        this.rawFrames = webSocketOf(session);
    }

    @Override
    public void send(String text) throws IOException {
        sendBatch(List.of(text));
    }

    @Override
    public void sendBatch(List<String> frames) throws IOException {
        if (rawFrames == null) {
            session.getBasicRemote().sendText(FrameCodec.joinBatch(frames));
            return;
        }
        // Helidon's Tyrus writer copies the buffer out and writes it on this thread before the future
        // is returned; the wait only surfaces a failed write.
        Future<?> written = rawFrames.sendRawFrame(ByteBuffer.wrap(FRAMES.message(frames)));
        try {
            written.get();
        } catch (ExecutionException e) {
            throw new IOException("write failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), fitReason(reason)));
            }
        } catch (IOException | RuntimeException e) {
            // Already gone: the close callback or the reset settles it.
        }
    }

    @Override
    public boolean abort() {
        if (socket.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "cannot abort " + remoteAddress + ": no socket was handed over");
            return false;
        }
        HelidonSocket open = socket.get();
        if (!open.isConnected()) {
            return false;
        }
        try {
            open.close();
        } catch (RuntimeException e) {
            // closed meanwhile
        }
        return true;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    private static TyrusWebSocket webSocketOf(Session session) {
        if (WEB_SOCKET == null || !(session.getBasicRemote() instanceof TyrusRemoteEndpoint remote)) {
            return null;
        }
        try {
            return (TyrusWebSocket) WEB_SOCKET.get(remote);
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    private static Field webSocketField() {
        try {
            Field field = TyrusRemoteEndpoint.class.getDeclaredField("webSocket");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Tyrus's raw-frame path is not reachable (" + e
                    + "); messages are sent as text, encoded once per connection");
            return null;
        }
    }

    static String fitReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = Math.min(reason.length(), MAX_REASON_BYTES);
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            end--;
        }
        return reason.substring(0, end);
    }
}
