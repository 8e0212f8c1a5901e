package io.pushwire.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;

/**
 * A frame encoded once, before its seq and epoch are known: the text around them, in three parts. The
 * publish script, which takes the seq and knows the epoch, joins them, so the data is serialized once per
 * publish in Java and never parsed again on its way to the nodes.
 *
 * <p>The parts are cut from what {@link FrameCodec} writes for the frame with marker values, so the frame
 * is exactly the codec's. In an {@code event} the seq comes before the epoch and both before the data;
 * in a {@code gap} the second slot is the seq again ({@code toSeq}).
 *
 * @param kind {@code e} for an event (seq, then epoch), {@code g} for a one-seq gap (seq, then seq)
 */
record FrameTemplate(String kind, String before, String between, String after) {
    private static final long SEQ_MARK = 900_719_925_474_099L;
    private static final String EPOCH_MARK = "EPOCH_MARK";

    /** An event of {@code channel} published at {@code timestampMs} with {@code data}. */
    static FrameTemplate event(FrameCodec codec, String channel, long timestampMs, JsonNode data) {
        String text = codec.encode(new Event(channel, SEQ_MARK, EPOCH_MARK, timestampMs, data));
        String seqField = "\"seq\":" + SEQ_MARK;
        int seqAt = requireFound(text.indexOf(seqField), text) + "\"seq\":".length();
        String epochField = "\"epoch\":\"" + EPOCH_MARK + "\"";
        int epochAt = requireFound(text.indexOf(epochField, seqAt), text) + "\"epoch\":\"".length();
        return new FrameTemplate("e", text.substring(0, seqAt),
                text.substring(seqAt + Long.toString(SEQ_MARK).length(), epochAt),
                text.substring(epochAt + EPOCH_MARK.length()));
    }

    /** A one-seq gap of {@code channel} with {@code reason}. */
    static FrameTemplate gap(FrameCodec codec, String channel, String reason) {
        String text = codec.encode(new Gap(channel, SEQ_MARK, SEQ_MARK, reason));
        String mark = Long.toString(SEQ_MARK);
        int first = requireFound(text.indexOf(mark), text);
        int second = requireFound(text.indexOf(mark, first + mark.length()), text);
        return new FrameTemplate("g", text.substring(0, first), text.substring(first + mark.length(), second),
                text.substring(second + mark.length()));
    }

    /** The frame as the script makes it. */
    String render(long seq, String epoch) {
        return before + seq + between + ("e".equals(kind) ? epoch : Long.toString(seq)) + after;
    }

    private static int requireFound(int index, String text) {
        if (index < 0) {
            throw new IllegalStateException("the codec's frame layout changed; cannot template " + text);
        }
        return index;
    }
}
