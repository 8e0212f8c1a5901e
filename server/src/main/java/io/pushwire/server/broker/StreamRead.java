package io.pushwire.server.broker;

import java.util.List;

/**
 * One channel as the broker held it at one moment: where its stream is, the entries after the position
 * that was asked for, the latest event and the source's status. What a subscribe or a resume needs,
 * in one read.
 *
 * @param epoch     the channel's current history
 * @param head      the last seq taken in it, 0 before the first
 * @param firstHeld the oldest seq history still holds; {@code head + 1} when it holds nothing
 * @param entries   the entries after the position asked for, oldest first: in the position's epoch, those
 *                  after its seq; in another epoch, everything held; none when no position was given
 * @param latest    the last event published (never a gap), kept after history dropped it, for
 *                  {@code snapshot:true}; null before the first
 * @param status    the source's status
 */
public record StreamRead(String epoch, long head, long firstHeld, List<Publication> entries, String latest,
                         ChannelStatus status) {
    public StreamRead {
        entries = List.copyOf(entries);
    }

    /** How many entries history holds. */
    public long held() {
        return head - firstHeld + 1;
    }
}
