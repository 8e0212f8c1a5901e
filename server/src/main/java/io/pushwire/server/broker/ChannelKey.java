package io.pushwire.server.broker;

import io.pushwire.protocol.Channels;
import java.util.Objects;

/**
 * Which stream of the broker an entry belongs to ({@code key}), and the channel name its frames carry
 * ({@code name}). For a public channel the two are the same. A session's private {@code $me} is a stream
 * of its own per session, keyed by the client id, while every frame of it says {@code $me}: a client
 * never learns another session's key.
 */
public record ChannelKey(String key, String name) {
    private static final String INBOX_PREFIX = Channels.ME + ":";

    public ChannelKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
    }

    /** A public channel: its stream is keyed by its name. */
    public static ChannelKey of(String name) {
        return new ChannelKey(name, name);
    }

    /** The {@code $me} stream of the session {@code clientId}. */
    public static ChannelKey inbox(String clientId) {
        return new ChannelKey(INBOX_PREFIX + clientId, Channels.ME);
    }

    /** The {@code $me} stream with this key, as {@link #key()} wrote it. */
    public static ChannelKey inboxKeyed(String key) {
        if (!key.startsWith(INBOX_PREFIX)) {
            throw new IllegalArgumentException("not the key of a $me stream: " + key);
        }
        return new ChannelKey(key, Channels.ME);
    }

    /** Whether it is a session's {@code $me}, whose history is sized by the session settings. */
    public boolean isInbox() {
        return key.startsWith(INBOX_PREFIX);
    }
}
