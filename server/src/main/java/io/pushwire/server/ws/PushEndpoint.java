package io.pushwire.server.ws;

import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.Connection;
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

    @OnOpen
    public void onOpen(Session session) {
        session.setMaxTextMessageBufferSize(runtime.server().config().maxFrameBytes());
        connection = runtime.server().open(new TyrusTransport(session, SubprotocolUpgradeProvider.takeUpgradedSocket()));
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
            connection.onTransportClosed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @OnError
    public void onError(Throwable error) {
        LOG.log(Level.DEBUG, "transport error", error);
        if (connection != null) {
            connection.onTransportClosed(1006, String.valueOf(error.getMessage()));
        }
    }
}
