package io.pushwire.server;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.microprofile.tyrus.TyrusUpgradeProvider;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;

/**
 * The Tyrus WebSocket upgrade, plus the {@code Sec-WebSocket-Protocol} response header.
 *
 * <p>Helidon 4.2's Tyrus upgrader writes a fixed 101 response that drops the subprotocol Tyrus
 * negotiated, and a browser that asked for {@code pushwire.v1} then fails the handshake. This provider
 * wraps the connection's writer for the 101 only (see {@link HandshakeResponseWriter}); everything else
 * is Tyrus's. Registered in {@code META-INF/services} with a weight above both built-in websocket
 * providers, which also settles which of them serves {@code /ws} (the other answers 404).
 */
@Weight(Weighted.DEFAULT_WEIGHT + 100)
public class SubprotocolUpgradeProvider extends TyrusUpgradeProvider {
    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        Http1Upgrader tyrus = super.create(config, configs);
        return new Http1Upgrader() {
            @Override
            public String supportedProtocol() {
                return tyrus.supportedProtocol();
            }

            @Override
            public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
                return tyrus.upgrade(HandshakeResponseWriter.wrap(ctx, headers), prologue, headers);
            }
        };
    }
}
