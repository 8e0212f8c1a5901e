package io.pushwire.it.exchange;

import java.time.Instant;

/**
 * One WebSocket connection to a fake as it stands when asked: when it opened, when and how it ended.
 * Tests use these to assert make-before-break overlaps and which rule closed a connection.
 *
 * @param id        the fake's number for the connection, from 1, in handshake order
 * @param path      the handshake's request path and query
 * @param openedAt  when the upgrade was answered
 * @param closedAt  when the socket was closed; {@code null} while open
 * @param ending    why it ended (the first reason wins); {@code null} while open and not closing
 * @param closeCode the close frame's code that ended it (sent by the fake or by the client); -1 without one
 */
public record ConnectionRecord(int id, String path, Instant openedAt, Instant closedAt, CloseReason ending,
                               int closeCode) {
    public boolean isOpen() {
        return closedAt == null;
    }
}
