package io.pushwire.server.ws;

import io.pushwire.server.core.Transport;
import io.helidon.common.socket.HelidonSocket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** {@link Transport} over a Jakarta WebSocket session. */
final class TyrusTransport implements Transport {
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_REASON_BYTES = 123;

    private static final System.Logger LOG = System.getLogger(TyrusTransport.class.getName());

    private final Session session;
    /** The TCP socket under the session, when the upgrade handed it over; what {@link #abort} closes. */
    private final Optional<HelidonSocket> socket;
    private final String remoteAddress;

    TyrusTransport(Session session, Optional<HelidonSocket> socket) {
        this.session = session;
        this.socket = socket;
        this.remoteAddress = socket.map(s -> s.remotePeer().address().toString()).orElse(session.getId());
    }

    @Override
    public void send(String text) throws IOException {
        session.getBasicRemote().sendText(text);
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
