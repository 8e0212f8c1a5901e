package io.pushwire.it.bench;

import java.time.Duration;
import java.util.List;

/** The WebSocket client under a process's subscribers: the JDK's, or the lean NIO one. */
interface SubscriberClient {
    /**
     * Opens and subscribes one connection per entry of {@code sourceAddresses} (the address it connects
     * from), at most {@code concurrency} handshakes at a time; returns how many failed for good.
     */
    int connectAll(List<String> sourceAddresses, int concurrency, Duration timeout) throws InterruptedException;

    List<? extends Subscriber> subscribers();

    void closeAll();
}
