package io.pushwire.server.core;

import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection of a fuzzed client: its transport, what it has read so far, what the run knows of its
 * session (whether a {@code welcome} came, for which subject), and a log of what it did and heard, for
 * the failure message.
 */
final class FuzzClient {
    final int number;
    final FakeTransport transport = new FakeTransport();
    final Connection connection;
    /** Whether a welcome arrived: frames other than hello are then allowed. */
    boolean welcomed;
    /** The subject its session belongs to ({@code jwt} mode); null when anonymous. */
    String subject;
    int messagesSent;
    /** Its socket fails every write: it hears nothing more, and the server must notice. */
    boolean sendsFail;
    /** Each channel's events and gaps, checked as they arrive. */
    final StreamCheck streams = new StreamCheck();
    /** Messages sent whose replies the writer has not been allowed to write yet. */
    final List<ReplyOracle.Sent> awaiting = new ArrayList<>();
    private int messagesRead;
    private final List<String> log = new ArrayList<>();

    FuzzClient(int number, PushServer server) {
        this.number = number;
        this.connection = server.open(transport);
    }

    /** Frames written to it since the last call, batches flattened. */
    List<Frame> unread(FrameCodec codec) {
        List<String> sent = transport.sent();
        List<Frame> frames = new ArrayList<>();
        for (String message : sent.subList(messagesRead, sent.size())) {
            frames.addAll(codec.decode(message));
            log("  <- " + abbreviate(message));
        }
        messagesRead = sent.size();
        return frames;
    }

    boolean isClosed() {
        return connection.state() == Connection.State.CLOSED;
    }

    void log(String line) {
        log.add(line);
    }

    String history() {
        int from = Math.max(0, log.size() - 80);
        return "client " + number + " (" + connection.state() + ", " + connection.queuedBytes() + " characters queued, closes "
                + transport.closeCodes() + (from > 0 ? ", last 80 lines" : "") + "):\n" + String.join("\n", log.subList(from, log.size()));
    }

    static String abbreviate(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " characters)";
    }
}
