package io.pushwire.server;

import io.pushwire.server.core.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@link Transport} over a Jakarta WebSocket session. */
final class TyrusTransport implements Transport {
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_REASON_BYTES = 123;

    private final Session session;
    private final String remoteAddress;

    TyrusTransport(Session session) {
        this.session = session;
        Object address = session.getUserProperties().get("jakarta.websocket.endpoint.remoteAddress");
        this.remoteAddress = address == null ? session.getId() : address.toString();
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
