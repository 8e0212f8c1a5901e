package io.pushwire.server.core;

/**
 * One entry of an outbound queue: an event ({@code seq > 0}), another frame ({@code seq == 0};
 * {@code stream} is its channel, or {@code null} for control frames), or a reference to a conflation slot
 * whose content is read when written. {@code accounted} is what the client knows of the stream once this
 * is written. {@code enqueuedAtMs}: for events, when the publisher queued it; the writer measures from it.
 */
record QueuedItem(ChannelStream stream, long seq, long accounted, String encoded, ConflationSlot slot,
                  long enqueuedAtMs) {
    QueuedItem(ChannelStream stream, long seq, long accounted, String encoded, ConflationSlot slot) {
        this(stream, seq, accounted, encoded, slot, 0);
    }

    static QueuedItem control(String encoded) {
        return new QueuedItem(null, 0, -1, encoded, null);
    }

    /** A conflation slot's place in its lane: its content is read when the writer reaches it. */
    static QueuedItem slot(ConflationSlot slot) {
        return new QueuedItem(slot.stream(), 0, -1, null, slot);
    }

    String channel() {
        return stream == null ? null : stream.channelName();
    }

    boolean isEvent() {
        return seq > 0;
    }

    int chars() {
        return encoded == null ? 0 : encoded.length();
    }
}
