package io.pushwire.server.ws;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * An upgraded connection's context with Pushwire's writer (which adds our subprotocol to the 101) and
 * reader (which notices a connection lost without a close frame). A plain delegating class, not a
 * reflective proxy: Tyrus's connection asks its context for the writer on every message it writes, for the
 * connection's whole life.
 */
final class UpgradedContext implements ConnectionContext {
    private final ConnectionContext ctx;
    private final DataWriter writer;
    private final DataReader reader;

    UpgradedContext(ConnectionContext ctx, DataWriter writer, DataReader reader) {
        this.ctx = ctx;
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public DataWriter dataWriter() {
        return writer;
    }

    @Override
    public ListenerContext listenerContext() {
        return ctx.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return ctx.executor();
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public Router router() {
        return ctx.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return ctx.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return ctx.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return ctx.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return ctx.localPeer();
    }

    @Override
    public boolean isSecure() {
        return ctx.isSecure();
    }

    @Override
    public String socketId() {
        return ctx.socketId();
    }

    @Override
    public String childSocketId() {
        return ctx.childSocketId();
    }

    @Override
    public void log(System.Logger logger, System.Logger.Level level, String format, Object... params) {
        ctx.log(logger, level, format, params);
    }

    @Override
    public void log(System.Logger logger, System.Logger.Level level, String format, Throwable throwable,
                    Object... params) {
        ctx.log(logger, level, format, throwable, params);
    }
}
