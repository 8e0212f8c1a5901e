package io.pushwire.server.feed.upstream;

/** Where an upstream feed's (primary) connection is. */
public enum FeedState {
    /** Opening the WebSocket. */
    CONNECTING,
    /** Connected, waiting for the exchange to confirm every subscription. */
    SUBSCRIBING,
    /** Every subscription confirmed (or refused for good): data flows. */
    LIVE,
    /** Lost; waiting before the next attempt. */
    BACKING_OFF,
    /** Closed by the server; terminal. */
    CLOSED
}
