package io.pushwire.it.exchange;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 framing as a server sees it: client frames arrive masked and are unmasked here; server frames
 * go out unmasked and unfragmented. Kept apart from the connection logic so that what is on the wire is
 * in one place. No extension is ever negotiated, so any reserved bit is a protocol error.
 */
final class Frames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Control frames carry at most this much payload (RFC 6455 section 5.5). */
    static final int MAX_CONTROL_PAYLOAD = 125;

    /** No close code in the close frame (RFC 6455 section 7.4.1); never sent on the wire. */
    static final int NO_STATUS = 1005;

    private Frames() {
    }

    /** One frame as read from a client, already unmasked. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        boolean isControl() {
            return opcode >= CLOSE;
        }
    }

    /** A client frame the server must refuse, with the close code to refuse it with. */
    static final class Violation extends IOException {
        private final int closeCode;
        private final CloseReason reason;

        Violation(int closeCode, CloseReason reason, String message) {
            super(message);
            this.closeCode = closeCode;
            this.reason = reason;
        }

        int closeCode() {
            return closeCode;
        }

        CloseReason reason() {
            return reason;
        }

        static Violation protocol(String message) {
            return new Violation(1002, CloseReason.PROTOCOL_ERROR, message);
        }

        static Violation tooBig(long size, int limit) {
            return new Violation(1009, CloseReason.FRAME_TOO_BIG, "message of " + size + " bytes exceeds " + limit);
        }
    }

    /**
     * Reads one client frame. A payload larger than {@code maxPayload} is refused before it is read, so a
     * hostile length cannot make the fake allocate it.
     */
    static Frame read(InputStream in, int maxPayload) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("end of stream");
        }
        int second = readByte(in);
        boolean fin = (first & 0x80) != 0;
        if ((first & 0x70) != 0) {
            throw Violation.protocol("reserved bits set but no extension was negotiated");
        }
        int opcode = first & 0x0F;
        if (opcode != CONTINUATION && opcode != TEXT && opcode != BINARY && opcode != CLOSE && opcode != PING
                && opcode != PONG) {
            throw Violation.protocol("unknown opcode " + opcode);
        }
        boolean masked = (second & 0x80) != 0;
        long length = second & 0x7F;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
            if (length < 0) {
                throw Violation.protocol("64-bit length with the top bit set");
            }
        }
        if (!masked) {
            throw Violation.protocol("client frame not masked");
        }
        if (opcode >= CLOSE && (!fin || length > MAX_CONTROL_PAYLOAD)) {
            throw Violation.protocol("fragmented or oversized control frame");
        }
        if (length > maxPayload) {
            throw Violation.tooBig(length, maxPayload);
        }
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes((int) length);
        if (mask.length < 4 || payload.length < length) {
            throw new EOFException("end of stream inside a frame");
        }
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame(fin, opcode, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int value = in.read();
        if (value < 0) {
            throw new EOFException("end of stream inside a frame header");
        }
        return value;
    }

    /** One unmasked, final server frame. */
    static byte[] encode(int opcode, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).array();
    }

    /** The payload of a close frame: the code, then the reason cut to what fits in a control frame. */
    static byte[] closePayload(int code, String reason) {
        if (code == NO_STATUS) {
            return new byte[0];
        }
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int textLength = Math.min(text.length, MAX_CONTROL_PAYLOAD - 2);
        return ByteBuffer.allocate(2 + textLength).putShort((short) code).put(text, 0, textLength).array();
    }

    /** The close code in a client's close frame, {@link #NO_STATUS} when it carried none. */
    static int closeCode(byte[] payload) throws Violation {
        if (payload.length == 0) {
            return NO_STATUS;
        }
        if (payload.length == 1) {
            throw Violation.protocol("close frame with a one-byte payload");
        }
        return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    /** Strict UTF-8: a text message that is not valid UTF-8 must fail the connection (close 1007). */
    static String utf8(byte[] bytes) throws Violation {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Violation(1007, CloseReason.PROTOCOL_ERROR, "text message is not valid UTF-8");
        }
    }
}
