package io.pushwire.it;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Status;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An SDK client subscribed to one channel, keeping what its application sees, in order: events, and the
 * {@code status} and {@code gap} frames the SDK reports to its listener.
 */
record RecordedChannel(PushClient client, List<Object> frames) {
    /** Connects to {@code server}, subscribes to {@code channel}, and starts recording. */
    static RecordedChannel subscribe(URI server, String channel) throws Exception {
        List<Object> frames = new CopyOnWriteArrayList<>();
        PushClient client = PushClient.builder(server).listener(new PushListener() {
            @Override
            public void onStatus(Status status) {
                frames.add(status);
            }

            @Override
            public void onGap(Gap gap) {
                frames.add(gap);
            }
        }).build();
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribe(channel, frames::add).get(10, TimeUnit.SECONDS);
        return new RecordedChannel(client, frames);
    }

    List<Event> events() {
        return of(Event.class);
    }

    List<Status> statuses() {
        return of(Status.class);
    }

    List<Gap> gaps() {
        return of(Gap.class);
    }

    /** The {@code n} field of each event's data: what numbered publishes carry. */
    List<Long> numbers() {
        return events().stream().map(event -> event.data().path("n").asLong()).toList();
    }

    private <T> List<T> of(Class<T> type) {
        return frames.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
