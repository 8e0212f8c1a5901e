/**
 * Pushwire wire protocol v1: the frames as immutable records under the sealed
 * {@link io.pushwire.protocol.Frame}, the close and error codes, channel names, and
 * {@link io.pushwire.protocol.FrameCodec}, the JSON codec that server and clients share.
 */
module io.pushwire.protocol {
    // Jackson's types are part of this API (Event.data() is a JsonNode, FrameCodec.mapper() a JsonMapper);
    // databind brings jackson-core and jackson-annotations (JsonTypeName on the frames) with it.
    requires transitive com.fasterxml.jackson.databind;

    exports io.pushwire.protocol;
}
