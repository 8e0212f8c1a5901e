package io.pushwire.server.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribed;
import io.pushwire.server.core.Connection;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.core.ServerConfig;
import io.pushwire.server.core.Transport;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The feed is ticked by hand (no start(), so no timer) against a real PushServer with a recording transport. */
class SimulatedFeedTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L));
    private static final FrameCodec CODEC = new FrameCodec();
    private static final List<String> SYMBOLS = List.of("BTC-USDT", "ETH-USDT");

    private final PushServer server = new PushServer(ServerConfig.builder().helloTimeoutMs(60_000).build(), CODEC, CLOCK);
    private SimulatedFeed feed;

    @AfterEach
    void tearDown() {
        if (feed != null) {
            feed.close();
        }
        server.close();
    }

    private SimulatedFeed feed(double rate) {
        feed = new SimulatedFeed(server.hub(), CLOCK, new SimulatedFeedConfig(true, rate, SYMBOLS, 42));
        feed.channels().forEach(server.hub()::declare);
        return feed;
    }

    @ParameterizedTest
    @ValueSource(doubles = {30, 50, 250, 1_000})
    void eachTenMillisecondTickPublishesWhatTheRateHasAccrued(double rate) {
        SimulatedFeed feed = feed(rate);
        long previous = 0;
        for (int tick = 1; tick <= 200; tick++) {
            feed.tick();
            long published = server.counters().eventsPublished();
            double owed = rate * tick / 100.0;
            // The accumulator never runs ahead and never falls a whole event behind.
            assertTrue(published <= owed + 1e-6 && published > owed - 1 - 1e-6,
                    "after " + tick + " ticks at " + rate + "/s: " + published);
            long thisTick = published - previous;
            assertTrue(thisTick >= Math.floor(rate / 100) && thisTick <= Math.ceil(rate / 100), "tick " + tick + ": " + thisTick);
            previous = published;
        }
        assertEquals(previous, feed.describe().get("published"));
    }

    @Test
    void eventsGoToTheDocumentedChannelsWithTheDocumentedFields() {
        SimulatedFeed feed = feed(1_000);
        assertEquals(List.of("sim.trades.BTC-USDT", "sim.ticker.BTC-USDT", "sim.trades.ETH-USDT", "sim.ticker.ETH-USDT"),
                feed.channels());
        RecordingTransport transport = new RecordingTransport();
        Connection connection = server.open(transport);
        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        long id = 2;
        for (String channel : feed.channels()) {
            connection.onText("{\"type\":\"subscribe\",\"id\":" + id++ + ",\"channel\":\"" + channel + "\"}");
        }
        await(() -> transport.frames(Subscribed.class).size() == 4, "four subscribed replies");

        for (int i = 0; i < 20; i++) {
            feed.tick();
        }

        assertEquals(200, server.counters().eventsPublished());
        await(() -> transport.frames(Event.class).size() == 200, "200 events; got " + transport.frames(Event.class).size());
        Set<String> seen = new TreeSet<>();
        for (Event event : transport.frames(Event.class)) {
            seen.add(event.channel());
            assertEquals(CLOCK.millis(), event.ts());
            JsonNode data = event.data();
            String symbol = event.channel().substring(event.channel().lastIndexOf('.') + 1);
            if (event.channel().startsWith("sim.trades.")) {
                assertEquals(List.of("exchange", "symbol", "price", "qty", "side", "tradeId", "ts"), fieldNames(data));
                assertDecimal(data.get("price"));
                assertDecimal(data.get("qty"));
                assertTrue(Set.of("buy", "sell").contains(data.get("side").asText()), data.toString());
                assertTrue(data.get("tradeId").isTextual(), data.toString());
            } else if (event.channel().startsWith("sim.ticker.")) {
                assertEquals(List.of("exchange", "symbol", "bid", "bidQty", "ask", "askQty", "ts"), fieldNames(data));
                assertDecimal(data.get("bid"));
                assertDecimal(data.get("bidQty"));
                assertDecimal(data.get("ask"));
                assertDecimal(data.get("askQty"));
                assertTrue(new BigDecimal(data.get("ask").asText()).compareTo(new BigDecimal(data.get("bid").asText())) > 0);
            } else {
                fail("event on a channel the feed does not serve: " + event.channel());
            }
            assertEquals("sim", data.get("exchange").asText());
            assertEquals(symbol, data.get("symbol").asText());
            assertTrue(data.get("ts").isIntegralNumber() && data.get("ts").asLong() == CLOCK.millis(), data.toString());
        }
        assertEquals(new TreeSet<>(feed.channels()), seen);
        long heads = feed.channels().stream().mapToLong(server.hub()::head).sum();
        assertEquals(200, heads, "every event is on exactly one of the feed's channels");
    }

    @Test
    void theSameSeedPublishesTheSameData() {
        List<String> first = publishedData(7);
        List<String> second = publishedData(7);

        assertEquals(first, second);
        assertFalse(first.isEmpty());
    }

    @Test
    void describeReportsCountsAndTheLastMessageAge() {
        SimulatedFeed feed = feed(100);
        assertEquals(-1L, feed.describe().get("lastMessageAgeMs"), "nothing published yet");
        assertEquals(false, feed.describe().get("running"), "not started");

        feed.tick();

        assertEquals(1L, feed.describe().get("published"));
        assertEquals(0L, feed.describe().get("lastMessageAgeMs"), "published at the clock's fixed instant");
        assertEquals("sim", feed.name());
    }

    @Test
    void configRefusesANonPositiveRateAndNoSymbols() {
        assertThrows(IllegalArgumentException.class, () -> new SimulatedFeedConfig(true, 0, SYMBOLS, 1));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedFeedConfig(true, 10, List.of(), 1));
    }

    /** Data of every event a fresh server gets from a feed with this seed. */
    private static List<String> publishedData(long seed) {
        try (PushServer fresh = new PushServer(ServerConfig.builder().helloTimeoutMs(60_000).build(), CODEC, CLOCK)) {
            SimulatedFeed seeded = new SimulatedFeed(fresh.hub(), CLOCK, new SimulatedFeedConfig(true, 500, SYMBOLS, seed));
            seeded.channels().forEach(fresh.hub()::declare);
            RecordingTransport transport = new RecordingTransport();
            Connection connection = fresh.open(transport);
            connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
            connection.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            await(() -> transport.frames(Subscribed.class).size() == 1, "subscribed");
            for (int i = 0; i < 20; i++) {
                seeded.tick();
            }
            long expected = fresh.hub().head("sim.trades.BTC-USDT");
            await(() -> transport.frames(Event.class).size() == expected, expected + " events");
            seeded.close();
            return transport.frames(Event.class).stream().map(e -> e.data().toString()).toList();
        }
    }

    private static List<String> fieldNames(JsonNode data) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static void assertDecimal(JsonNode value) {
        assertTrue(value.isTextual(), "decimals travel as strings: " + value);
        assertTrue(value.asText().matches("\\d+(\\.\\d+)?"), value.asText());
        assertTrue(new BigDecimal(value.asText()).signum() > 0, value.asText());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Keeps what the server writes; never blocks. */
    private static final class RecordingTransport implements Transport {
        private final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public boolean abort() {
            return false;
        }

        @Override
        public String remoteAddress() {
            return "feed-test";
        }

        <T extends Frame> List<T> frames(Class<T> type) {
            List<T> frames = new ArrayList<>();
            for (String message : sent) {
                CODEC.decode(message).stream().filter(type::isInstance).map(type::cast).forEach(frames::add);
            }
            return frames;
        }
    }
}
