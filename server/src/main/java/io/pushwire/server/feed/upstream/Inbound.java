package io.pushwire.server.feed.upstream;

import java.util.List;

/** What one message from an exchange means to the connector. */
sealed interface Inbound {
    /** Market data. */
    record Updates(List<UpstreamUpdate> updates) implements Inbound {
    }

    /**
     * A subscription confirmed: the exchange keys it names, or, when it names none (Binance answers
     * {@code {"result":null,"id":n}}), every key of request {@code requestId}.
     */
    record Acked(long requestId, List<String> keys) implements Inbound {
    }

    /**
     * A request refused: the keys it names, or every key of {@code requestId}; when neither is known the
     * refusal concerns the connection as a whole.
     */
    record Rejected(long requestId, List<String> keys, Failure failure) implements Inbound {
    }

    /** A heartbeat, a pong or a status message: proof of life and nothing else. */
    record Alive() implements Inbound {
    }

    /** The exchange announced that it will close this connection soon (maintenance, the 24 h limit). */
    record ClosingSoon(String reason) implements Inbound {
    }

    /** Valid but of no interest. */
    record Ignored() implements Inbound {
    }

    /** Not what the protocol says a message looks like; counted and skipped. */
    record Malformed(String why) implements Inbound {
    }

    Inbound ALIVE = new Alive();
    Inbound IGNORED = new Ignored();

    /** No request id. */
    long NO_ID = -1;
}
