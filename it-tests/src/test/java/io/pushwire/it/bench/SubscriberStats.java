package io.pushwire.it.bench;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the subscribers of one process measured: end-to-end latency of the events published in the
 * measurement window (receive time minus the publisher's {@code t}), per seq how many connections
 * received it and the largest latency (so that the coordinator can tell when a publish reached its last
 * subscriber), and every count that reveals a loss.
 */
final class SubscriberStats {
    static final long MAX_LATENCY_MICROS = 3_600_000_000L;

    final int maxSeq;
    final Recorder latency = new Recorder(MAX_LATENCY_MICROS, 3);
    final AtomicIntegerArray seqReceivers;
    final AtomicLongArray seqMaxLatency;
    final LongAdder windowDelivered = new LongAdder();
    final LongAdder receivedInWindow = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder frames = new LongAdder();
    final LongAdder gapFrames = new LongAdder();
    final LongAdder errorFrames = new LongAdder();
    final LongAdder pings = new LongAdder();
    final LongAdder verified = new LongAdder();
    final LongAdder verifyFailures = new LongAdder();
    final LongAdder connectRetries = new LongAdder();
    final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private final AtomicLong problems = new AtomicLong();

    volatile long windowStartMicros = Long.MAX_VALUE;
    volatile long windowEndMicros = Long.MAX_VALUE;

    SubscriberStats(int maxSeq) {
        this.maxSeq = maxSeq;
        this.seqReceivers = new AtomicIntegerArray(maxSeq + 1);
        this.seqMaxLatency = new AtomicLongArray(maxSeq + 1);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    void window(long startMicros, long endMicros) {
        windowStartMicros = startMicros;
        windowEndMicros = endMicros;
    }

    /** Records one event received at {@code receivedMicros}, published at {@code t}. */
    void event(long seq, long t, long receivedMicros) {
        if (receivedMicros >= windowStartMicros && receivedMicros < windowEndMicros) {
            receivedInWindow.increment();
        }
        if (t >= windowStartMicros && t < windowEndMicros) {
            long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, receivedMicros - t));
            windowDelivered.increment();
            latency.recordValue(micros);
            if (seq >= 0 && seq <= maxSeq) {
                int s = (int) seq;
                seqReceivers.incrementAndGet(s);
                long current;
                while (micros > (current = seqMaxLatency.get(s)) && !seqMaxLatency.compareAndSet(s, current, micros)) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    void closed(int code) {
        closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void problem(String what) {
        if (problems.getAndIncrement() < 20) {
            System.err.println("subscriber: " + what);
        }
    }

    /** One line {@code key=value ...} with every count and the encoded histograms. */
    String report(List<? extends Subscriber> subscribers, long lastPublishedSeq) {
        long received = 0;
        long expected = 0;
        long jumps = 0;
        long duplicates = 0;
        long missing = 0;
        long open = 0;
        for (Subscriber s : subscribers) {
            received += s.received;
            jumps += s.jumpedOver;
            duplicates += s.duplicates;
            if (s.startSeq >= 0 && lastPublishedSeq >= 0) {
                long should = lastPublishedSeq - s.startSeq;
                expected += should;
                missing += Math.max(0, should - (s.received - s.duplicates));
            }
            if (s.subscribed && !s.closed) {
                open++;
            }
        }
        Histogram histogram = latency.getIntervalHistogram();
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        String encoded = Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
        StringBuilder perSeq = new StringBuilder();
        for (int seq = 0; seq <= maxSeq; seq++) {
            int count = seqReceivers.get(seq);
            if (count > 0) {
                if (!perSeq.isEmpty()) {
                    perSeq.append(',');
                }
                perSeq.append(seq).append(':').append(count).append(':').append(seqMaxLatency.get(seq));
            }
        }
        StringBuilder codes = new StringBuilder();
        new TreeMap<>(closeCodes).forEach((code, n) -> codes.append(codes.isEmpty() ? "" : ",")
                .append(code).append(':').append(n.sum()));
        return "connections=" + subscribers.size() + " open=" + open + " received=" + received
                + " expected=" + expected + " missing=" + missing + " jumps=" + jumps + " duplicates=" + duplicates
                + " windowDelivered=" + windowDelivered.sum() + " receivedInWindow=" + receivedInWindow.sum()
                + " messages=" + messages.sum() + " frames=" + frames.sum() + " gapFrames=" + gapFrames.sum()
                + " errorFrames=" + errorFrames.sum() + " pings=" + pings.sum() + " connectRetries="
                + connectRetries.sum() + " verified=" + verified.sum() + " verifyFailures=" + verifyFailures.sum()
                + " closeCodes=" + (codes.isEmpty() ? "-" : codes) + " hist=" + encoded
                + " perSeq=" + (perSeq.isEmpty() ? "-" : perSeq);
    }
}
