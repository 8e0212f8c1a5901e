package io.pushwire.client.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs encoded frames into as few messages as the server accepts: at most {@code maxBytes} UTF-8 bytes
 * and {@code maxFrames} frames per message. The server counts a batch as one message against its rate
 * limit, so a burst (re-subscribing many channels, flushing buffered publishes) costs a few tokens instead
 * of hundreds.
 */
final class Batches {
    private Batches() {
    }

    /** Groups {@code encoded} in order; a frame too big to share a message goes alone. */
    static List<List<String>> pack(List<String> encoded, int maxBytes, int maxFrames) {
        List<List<String>> messages = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        for (String frame : encoded) {
            int size = utf8Length(frame);
            // A batch of n frames adds '[' ']' and n-1 commas.
            long withFrame = currentBytes + size + (current.isEmpty() ? 0 : 1) + (current.size() == 1 ? 2 : 0);
            if (!current.isEmpty() && (current.size() >= maxFrames || withFrame > maxBytes)) {
                messages.add(current);
                current = new ArrayList<>();
                withFrame = size;
            }
            current.add(frame);
            currentBytes = withFrame;
        }
        if (!current.isEmpty()) {
            messages.add(current);
        }
        return messages;
    }

    /** The UTF-8 length of {@code text}, without encoding it. */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
