package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a client must hear back for each message, from the protocol alone: a message over the size limit
 * closes with 1009; one the decoder refuses gets that error, with the id it could read; one over the rate
 * limit gets {@code rate_limited} and nothing else; otherwise each frame in it gets its reply or an
 * {@code error} with its id ({@code publish}, {@code refresh} and {@code pong} have no reply when they
 * succeed, and then must get no error either). Before a {@code welcome} only {@code hello} is allowed:
 * anything else, or a refused hello, also closes the connection. A message the server ends the
 * connection on leaves the rest unanswered; a slow consumer's close (4001) drops what was queued.
 *
 * <p>Replies are matched in the order they were written: errors, pongs and welcomes share one FIFO lane,
 * so the first that fits a frame is its own.
 */
final class ReplyOracle {
    private final FrameCodec codec;
    private final int maxFrameBytes;
    /** Null when the server has no authentication. */
    private final FuzzTokens tokens;

    ReplyOracle(FrameCodec codec, int maxFrameBytes, FuzzTokens tokens) {
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
        this.tokens = tokens;
    }

    /**
     * A message a client sent: its text (null for a binary message), how many closes its transport had seen
     * before, when it was sent, whether the server counted it as over the rate limit, and the channels of
     * the sessions its hellos name (a resume restores them, each with a {@code subscribed} of its own).
     */
    record Sent(String text, int closesBefore, long atMs, boolean rateLimited, Set<String> restorable) {
    }

    /**
     * Checks what a client received since it sent {@code messages} (several when the writer lagged behind
     * them) against what each of them must get, in order. Marks the client welcomed when a welcome answered
     * its hello.
     */
    void check(FuzzClient client, List<Sent> messages, List<Frame> received) {
        List<Frame> pending = new ArrayList<>(received);
        List<Long> ids = new ArrayList<>();
        for (Sent sent : messages) {
            ids.addAll(requestIds(sent.text()));
        }
        for (Sent sent : messages) {
            List<Integer> closes = client.transport.closeCodes();
            check(client, sent, pending, closes.size() > sent.closesBefore() ? closes.get(sent.closesBefore()) : null, ids);
        }
    }

    /** {@code closedWith}: the close code the server sent from this message on (null if none). */
    private void check(FuzzClient client, Sent sent, List<Frame> pending, Integer closedWith, List<Long> ids) {
        if (sent.text() == null) {
            takeUnlessShed(pending, reply -> reply instanceof ErrorFrame error && error.id() == null
                    && error.code().equals(ErrorCode.BAD_REQUEST), "bad_request for a binary message", closedWith);
            expectClosedIfNotWelcomed(client, closedWith);
            return;
        }
        if (Connection.utf8LengthExceeds(sent.text(), maxFrameBytes)) {
            assertEquals(CloseCode.TOO_BIG, closedWith, "a message over the size limit");
            return;
        }
        if (Objects.equals(closedWith, CloseCode.RATE_LIMIT_ABUSE)) {
            return; // a flood is cut off before its messages are read
        }
        List<Frame> frames;
        try {
            frames = codec.decode(sent.text());
        } catch (ProtocolException refused) {
            takeUnlessShed(pending, reply -> reply instanceof ErrorFrame error && error.code().equals(refused.errorCode())
                    && Objects.equals(error.id(), refused.requestId()), "the decoder's error " + refused.getMessage(), closedWith);
            expectClosedIfNotWelcomed(client, closedWith);
            return;
        }
        if (sent.rateLimited()) {
            Long id = frames.size() == 1 ? requestId(frames.get(0)) : null;
            takeUnlessShed(pending, reply -> reply instanceof ErrorFrame error && error.code().equals(ErrorCode.RATE_LIMITED)
                    && Objects.equals(error.id(), id), "rate_limited", closedWith);
            return;
        }
        for (Frame frame : frames) {
            if (!answer(client, sent, frame, pending, closedWith, ids)) {
                return; // the connection ended on an earlier frame or on this one: the rest was not read
            }
        }
    }

    /** Checks one frame's answer; returns false when it had none because the connection was closed. */
    private boolean answer(FuzzClient client, Sent sent, Frame frame, List<Frame> pending, Integer closedWith,
                           List<Long> ids) {
        if (client.welcomed && !requiresAnswer(client, frame, sent.atMs())) {
            // Only an id no other message used says whose error it is.
            if (requestId(frame) != null && ids.stream().filter(requestId(frame)::equals).count() == 1) {
                assertEquals(null, find(pending, error(frame)), "an error for " + frame + ", which should have succeeded silently");
            }
            return true;
        }
        Frame reply = reply(frame, pending);
        if (reply == null) {
            if (closedWith != null) {
                return false;
            }
            fail("no reply to " + frame + " in " + pending);
        }
        pending.remove(reply);
        if (reply instanceof Welcome welcome) {
            welcomed(client, (Hello) frame, welcome, pending, sent);
        } else {
            expectClosedIfNotWelcomed(client, closedWith);
        }
        return true;
    }

    /** Its own success first: when ids repeat, an error with this id may be another frame's. */
    private static Frame reply(Frame frame, List<Frame> pending) {
        Frame success = find(pending, success(frame));
        return success != null ? success : find(pending, error(frame));
    }

    /**
     * An error that answers {@code frame}: with its id, and neither {@code rate_limited} (which answers a whole
     * message) nor the {@code token_expired} the server sends by itself (which only a refresh gets in reply).
     */
    private static Predicate<Frame> error(Frame frame) {
        return reply -> reply instanceof ErrorFrame e && Objects.equals(e.id(), requestId(frame))
                && !e.code().equals(ErrorCode.RATE_LIMITED)
                && (frame instanceof Refresh || e.id() != null || !e.code().equals(ErrorCode.TOKEN_EXPIRED));
    }

    /** The request ids in a message, the one a refusal could read included. */
    private List<Long> requestIds(String text) {
        try {
            return text == null ? List.of() : codec.decode(text).stream().map(ReplyOracle::requestId).toList();
        } catch (ProtocolException refused) {
            return refused.requestId() == null ? List.of() : List.of(refused.requestId());
        }
    }

    private static Long requestId(Frame frame) {
        return frame instanceof Frame.Request request ? request.id() : null;
    }

    /** Whether a frame from a welcomed client must be answered; the others succeed silently. */
    private boolean requiresAnswer(FuzzClient client, Frame frame, long atMs) {
        if (frame instanceof Publish publish) {
            return tokens == null || !publish.channel().startsWith("chat.");
        }
        if (frame instanceof Refresh refresh) {
            return tokens != null && !Objects.equals(tokens.subjectAt(refresh.token(), atMs), client.subject);
        }
        return !(frame instanceof Pong);
    }

    /** The reply a frame gets when it succeeds; a second hello never succeeds. */
    private static Predicate<Frame> success(Frame frame) {
        if (frame instanceof Hello hello) {
            return reply -> reply instanceof Welcome welcome && Objects.equals(welcome.id(), hello.id());
        }
        if (frame instanceof Subscribe subscribe) {
            return reply -> reply instanceof Subscribed subscribed && Objects.equals(subscribed.id(), subscribe.id())
                    && subscribed.channel().equals(subscribe.channel());
        }
        if (frame instanceof Unsubscribe unsubscribe) {
            return reply -> reply instanceof Unsubscribed unsubscribed && Objects.equals(unsubscribed.id(), unsubscribe.id())
                    && unsubscribed.channel().equals(unsubscribe.channel());
        }
        if (frame instanceof Ping ping) {
            return reply -> reply instanceof Pong pong && Objects.equals(pong.ts(), ping.ts());
        }
        return reply -> false;
    }

    /**
     * A welcome: a resume that worked keeps the session's id; one that did not is never silent. What a resume
     * sends besides (restored subscriptions, refused positions) is not an answer to anything that follows.
     */
    private void welcomed(FuzzClient client, Hello hello, Welcome welcome, List<Frame> pending, Sent sent) {
        assertTrue(!client.welcomed, "a second welcome on one connection");
        client.welcomed = true;
        client.subject = tokens == null ? null : tokens.subjectAt(hello.token(), sent.atMs());
        if (welcome.resumed()) {
            assertEquals(hello.clientId(), welcome.clientId(), "resumed another session");
            Set<String> toRestore = new HashSet<>(sent.restorable());
            pending.removeIf(reply -> reply instanceof Subscribed subscribed && subscribed.id() == null
                    && toRestore.remove(subscribed.channel())
                    || reply instanceof ErrorFrame error && error.id() == null && error.code().equals(ErrorCode.BAD_REQUEST)
                    && error.message().startsWith("position for '"));
        } else if (hello.clientId() != null || hello.resumeToken() != null) {
            take(pending, reply -> reply instanceof ErrorFrame error && error.id() == null
                    && error.code().equals(ErrorCode.RESUME_FAILED), "resume_failed after a fresh welcome");
        }
    }

    /** Before a welcome, a refused frame (or hello) also closes: 4400, or 4401 for credentials. */
    private static void expectClosedIfNotWelcomed(FuzzClient client, Integer closedWith) {
        if (!client.welcomed) {
            assertTrue(Set.of(CloseCode.PROTOCOL_ERROR, CloseCode.UNAUTHORIZED).contains(closedWith),
                    "refused before hello, yet closed with " + closedWith);
        }
    }

    /** A slow consumer's close (4001) drops what was queued for it, replies included. */
    private static void takeUnlessShed(List<Frame> pending, Predicate<Frame> matching, String what, Integer closedWith) {
        if (!Objects.equals(closedWith, CloseCode.SLOW_CONSUMER)) {
            take(pending, matching, what);
        }
    }

    private static void take(List<Frame> pending, Predicate<Frame> matching, String what) {
        Frame found = find(pending, matching);
        if (found == null) {
            fail("expected " + what + " in " + pending);
        }
        pending.remove(found);
    }

    private static Frame find(List<Frame> pending, Predicate<Frame> matching) {
        return pending.stream().filter(matching).findFirst().orElse(null);
    }
}
