package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged server through a raw WebSocket client, as a third-party client written from the
 * protocol document sees it. Keeping this test is what guards the Helidon upgrade-provider trap (a 404
 * on every upgrade) and the subprotocol header.
 */
@ExtendWith(SharedServer.class)
class RawWebSocketIT {
    private static final Pattern DECIMAL = Pattern.compile("\\d+\\.\\d+");
    private static final String TRADES = "sim.trades.BTC-USDT";

    @Test
    void helloSubscribeAndReceiveConsecutiveEvents(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server, "pushwire.v1")) {
            assertEquals("pushwire.v1", client.subprotocol());
            JsonNode welcome = client.hello();
            assertEquals(1, welcome.path("id").asLong());
            assertFalse(welcome.path("resumed").asBoolean(true));
            assertTrue(welcome.path("clientId").asText().length() >= 16);
            assertTrue(welcome.path("resumeToken").asText().length() >= 22, "at least 128 bits of token");
            assertEquals(25_000, welcome.path("heartbeat").path("intervalMs").asLong());
            assertEquals(65_536, welcome.path("limits").path("maxFrameBytes").asLong());

            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + TRADES + "\"}");
            JsonNode subscribed = client.next();
            assertEquals("subscribed", subscribed.path("type").asText());
            assertEquals(2, subscribed.path("id").asLong());
            String epoch = subscribed.path("epoch").asText();
            assertTrue(epoch.length() >= 8, "epoch " + epoch);
            long expected = subscribed.path("seq").asLong() + 1;

            for (int i = 0; i < 20; i++) {
                JsonNode event = client.next();
                assertEquals("event", event.path("type").asText(), event.toString());
                assertEquals(TRADES, event.path("channel").asText());
                assertEquals(expected++, event.path("seq").asLong(), "seq must grow by exactly 1");
                assertEquals(epoch, event.path("epoch").asText());
                assertTrue(event.path("ts").asLong() > 0);
                JsonNode trade = event.path("data");
                assertEquals("sim", trade.path("exchange").asText());
                assertEquals("BTC-USDT", trade.path("symbol").asText());
                assertTrue(DECIMAL.matcher(trade.path("price").asText()).matches(), trade.toString());
                assertTrue(DECIMAL.matcher(trade.path("qty").asText()).matches(), trade.toString());
                assertTrue(trade.path("side").asText().matches("buy|sell"));
                assertTrue(trade.path("tradeId").isTextual());
                assertTrue(trade.path("ts").asLong() > 0);
            }
        }
    }

    @Test
    void subscribeWithSinceReplaysFromHistoryWithoutGapOrDuplicate(ServerProcess server) throws Exception {
        long lastSeen;
        String epoch;
        try (RawClient first = RawClient.connect(server)) {
            first.hello();
            first.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + TRADES + "\"}");
            epoch = first.nextOfType("subscribed").path("epoch").asText();
            lastSeen = first.nextOfType("event").path("seq").asLong();
        }
        Thread.sleep(300); // the feed moves on while this client is away
        try (RawClient again = RawClient.connect(server)) {
            again.hello();
            again.send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"" + TRADES + "\",\"since\":{\"seq\":"
                    + lastSeen + ",\"epoch\":\"" + epoch + "\"}}");
            JsonNode subscribed = again.next();
            assertEquals("subscribed", subscribed.path("type").asText(), subscribed.toString());
            assertTrue(subscribed.path("recovered").asBoolean(), subscribed.toString());
            long head = subscribed.path("seq").asLong();
            assertEquals(head - lastSeen, subscribed.path("replayed").asLong());
            for (long expected = lastSeen + 1; expected <= head + 5; expected++) {
                JsonNode event = again.nextOfType("event");
                assertEquals(expected, event.path("seq").asLong(), "replay then live, no seam");
            }
        }
    }

    @Test
    void subscribeWithSinceFromAnotherEpochAnnouncesEpochChanged(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + TRADES
                    + "\",\"since\":{\"seq\":12,\"epoch\":\"LOSTEPOCH1\"}}");
            JsonNode subscribed = client.nextOfType("subscribed");
            assertFalse(subscribed.path("recovered").asBoolean(true));
            JsonNode gap = client.next();
            assertEquals("gap", gap.path("type").asText(), gap.toString());
            assertEquals("epoch_changed", gap.path("reason").asText());
            assertEquals(1, gap.path("fromSeq").asLong());
        }
    }

    @Test
    void tickerCarriesBestBidAndAsk(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.ticker.ETH-USDT\",\"snapshot\":true}");
            client.nextOfType("subscribed");
            JsonNode ticker = client.nextOfType("event").path("data");
            assertEquals("ETH-USDT", ticker.path("symbol").asText());
            double bid = Double.parseDouble(ticker.path("bid").asText());
            double ask = Double.parseDouble(ticker.path("ask").asText());
            assertTrue(ask > bid && bid > 0, ticker.toString());
            assertTrue(DECIMAL.matcher(ticker.path("bidQty").asText()).matches());
            assertTrue(DECIMAL.matcher(ticker.path("askQty").asText()).matches());
        }
    }

    @Test
    void clientWithoutSubprotocolIsAccepted(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            assertEquals("", client.subprotocol());
            client.hello();
        }
    }

    @Test
    void pingIsAnsweredWithPongEchoingTs(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"ping\",\"ts\":42}");
            JsonNode pong = client.nextOfType("pong");
            assertEquals(42, pong.path("ts").asLong());
        }
    }

    @Test
    void unsubscribeIsConfirmedAndStopsEvents(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + TRADES + "\"}");
            client.nextOfType("subscribed");
            client.nextOfType("event");
            client.send("{\"type\":\"unsubscribe\",\"id\":3,\"channel\":\"" + TRADES + "\"}");
            JsonNode unsubscribed = client.nextOfType("unsubscribed");
            assertEquals(3, unsubscribed.path("id").asLong());
            client.send("{\"type\":\"ping\",\"ts\":7}");
            // Everything after the reply is the pong: no event of the channel slips through.
            assertEquals("pong", client.next().path("type").asText());
        }
    }
}
