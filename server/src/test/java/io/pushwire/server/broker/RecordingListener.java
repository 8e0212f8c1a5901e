package io.pushwire.server.broker;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A {@link BrokerListener} that keeps what it is handed, in arrival order, for a contract suite to await. */
public final class RecordingListener implements BrokerListener {
    private final List<Publication> publications = new ArrayList<>();
    private final List<ChannelStatus> statuses = new ArrayList<>();
    /** {@code down <frame>} and {@code up <frame>}, in arrival order. */
    private final List<String> outages = new ArrayList<>();

    @Override
    public synchronized void onPublication(Publication publication) {
        publications.add(publication);
    }

    @Override
    public synchronized void onStatus(ChannelStatus status) {
        statuses.add(status);
    }

    @Override
    public synchronized void onUnavailable(ChannelKey channel, String staleFrame) {
        outages.add("down " + channel.key() + " " + staleFrame);
    }

    @Override
    public synchronized void onAvailable(ChannelKey channel, String statusFrame, long statusVersion) {
        outages.add("up " + channel.key() + " " + statusFrame);
    }

    /** What {@link #onUnavailable} and {@link #onAvailable} were told, in order. */
    public synchronized List<String> outages() {
        return List.copyOf(outages);
    }

    public synchronized List<Publication> publications(ChannelKey channel) {
        return publications.stream().filter(p -> p.channel().equals(channel)).toList();
    }

    public synchronized List<ChannelStatus> statuses(ChannelKey channel) {
        return statuses.stream().filter(s -> s.channel().equals(channel)).toList();
    }

    /** Waits up to 5 s for {@code condition}: a broker may hand entries over on another thread. */
    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    /** Checks that a while after the last one, nothing more arrived: for what must not be delivered. */
    public static void settle() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
