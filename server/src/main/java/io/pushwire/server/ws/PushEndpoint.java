package io.pushwire.server.ws;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.Connection;
import io.pushwire.server.ws.SubprotocolUpgradeProvider.Upgraded;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The WebSocket edge: one instance per connection (Tyrus's default scope), forwarding every callback to
 * the core's {@link Connection}. No protocol logic lives here.
 */
@ServerEndpoint(value = "/ws", subprotocols = ProtocolVersion.SUBPROTOCOL)
public class PushEndpoint {
    private static final Logger LOG = System.getLogger(PushEndpoint.class.getName());
    @Inject
    PushwireRuntime runtime;

    private Connection connection;
    /** Null when the upgrade did not run through Pushwire's provider. */
    private WatchedReader reader;

    @OnOpen
    public void onOpen(Session session) {
        session.setMaxTextMessageBufferSize(runtime.server().config().maxFrameBytes());
        Optional<Upgraded> upgraded = SubprotocolUpgradeProvider.takeUpgraded();
        reader = upgraded.map(Upgraded::reader).orElse(null);
        connection = runtime.server().open(new TyrusTransport(session, upgraded.map(Upgraded::socket)));
    }

    @OnMessage
    public void onText(String text) {
        connection.onText(text);
    }

    @OnMessage
    public void onBinary(ByteBuffer ignored) {
        connection.onBinary();
    }

    @OnClose
    public void onClose(CloseReason reason) {
        if (connection != null) {
            if (reader != null && reader.lost()) {
                // Helidon calls a connection that ended without a close frame 1011; it is a 1006.
                connection.onTransportClosed(CloseCode.ABNORMAL_CLOSURE, "connection lost without a close frame"
                        + (reason.getReasonPhrase().isEmpty() ? "" : ": " + reason.getReasonPhrase()));
            } else {
                connection.onTransportClosed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            }
        }
    }

    @OnError
    public void onError(Throwable error) {
        LOG.log(Level.DEBUG, "transport error", error);
        if (connection != null) {
            connection.onTransportClosed(CloseCode.ABNORMAL_CLOSURE, String.valueOf(error.getMessage()));
        }
    }
}
