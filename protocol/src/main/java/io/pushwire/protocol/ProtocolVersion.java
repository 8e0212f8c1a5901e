package io.pushwire.protocol;

/** Protocol identification. */
public final class ProtocolVersion {
    /** The version this library speaks, sent as {@code hello.protocol}. */
    public static final int V1 = 1;
    /** The WebSocket subprotocol the server offers. */
    public static final String SUBPROTOCOL = "pushwire.v1";

    private ProtocolVersion() {
    }
}
