package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.feed.MarketEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Binance spot market streams, on the combined endpoint ({@code {"stream":..,"data":..}}), subscribed
 * with {@code SUBSCRIBE} and acknowledged with {@code {"result":null,"id":n}}.
 *
 * <p>Heartbeat: Binance pings every 20 s and disconnects after a minute without a pong that echoes the
 * ping's payload; the JDK socket answers each ping that way by itself. Binance counts pings, pongs and
 * requests against 5 incoming messages per second, so this side sends no pings at all and paces its
 * requests below that. A connection lives at most 24 h: it is replaced, make-before-break, after 23 h,
 * or as soon as a {@code serverShutdown} event says the server is going away.
 */
final class BinanceAdapter implements ExchangeAdapter {
    static final String NAME = "binance";
    /** Streams per SUBSCRIBE request; well below the 1024 a connection may hold. */
    private static final int STREAMS_PER_REQUEST = 200;

    private final Map<String, String> symbolsByExchangeName;
    private final LongSupplier clock;

    BinanceAdapter(List<String> symbols, LongSupplier clock) {
        this.symbolsByExchangeName = new HashMap<>();
        symbols.forEach(symbol -> symbolsByExchangeName.put(symbol.replace("-", ""), symbol));
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public URI defaultUrl() {
        return URI.create("wss://stream.binance.com:9443/stream");
    }

    @Override
    public String key(MarketStream stream) {
        String symbol = stream.symbol().replace("-", "").toLowerCase();
        return symbol + (MarketEvent.TRADES.equals(stream.kind()) ? "@trade" : "@bookTicker");
    }

    @Override
    public List<Request> subscribe(List<MarketStream> streams, LongSupplier ids) {
        List<String> keys = streams.stream().map(this::key).toList();
        List<Request> requests = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += STREAMS_PER_REQUEST) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + STREAMS_PER_REQUEST));
            long id = ids.getAsLong();
            String params = chunk.stream().map(Json::quote).collect(Collectors.joining(","));
            requests.add(new Request(id, "{\"method\":\"SUBSCRIBE\",\"params\":[" + params + "],\"id\":" + id + "}",
                    List.copyOf(chunk)));
        }
        return requests;
    }

    @Override
    public Inbound read(String text) {
        return Json.read(text, this::interpret);
    }

    private Inbound interpret(JsonNode message) {
        if (message.has("result")) {
            return new Inbound.Acked(requestId(message), List.of());
        }
        if (message.has("error") || message.has("code")) {
            return refusal(message);
        }
        JsonNode data = message.get("data");
        String stream = message.path("stream").asText("");
        if (data == null || !data.isObject()) {
            return isShutdown(message) ? new Inbound.ClosingSoon("serverShutdown") : Inbound.IGNORED;
        }
        if (isShutdown(data)) {
            return new Inbound.ClosingSoon("serverShutdown");
        }
        if (stream.endsWith("@trade")) {
            return trade(data);
        }
        if (stream.endsWith("@bookTicker")) {
            return bookTicker(data);
        }
        return Inbound.IGNORED;
    }

    private Inbound trade(JsonNode data) {
        String symbol = symbolsByExchangeName.get(Json.text(data, "s"));
        if (symbol == null) {
            return Inbound.IGNORED;
        }
        long tradeId = Json.integer(data, "t");
        // "m": the buyer was the maker, so the taker sold.
        String side = data.path("m").asBoolean() ? "sell" : "buy";
        MarketEvent.Trade trade = new MarketEvent.Trade(symbol, Json.decimal(data, "p"), Json.decimal(data, "q"), side,
                Long.toString(tradeId), Json.integer(data, "T"));
        return new Inbound.Updates(List.of(UpstreamUpdate.consecutive(trade, tradeId, tradeId)));
    }

    /** Book tickers carry no time; {@code u} is an order-book update id, increasing with holes. */
    private Inbound bookTicker(JsonNode data) {
        String symbol = symbolsByExchangeName.get(Json.text(data, "s"));
        if (symbol == null) {
            return Inbound.IGNORED;
        }
        MarketEvent.Ticker ticker = new MarketEvent.Ticker(symbol, Json.decimal(data, "b"), Json.decimal(data, "B"),
                Json.decimal(data, "a"), Json.decimal(data, "A"), clock.getAsLong());
        return new Inbound.Updates(List.of(UpstreamUpdate.increasing(ticker, Json.integer(data, "u"))));
    }

    /** Documented flat ({@code {"code":2,"msg":..}}), sent nested ({@code {"error":{..},"id":n}}): both are read. */
    private static Inbound refusal(JsonNode message) {
        JsonNode error = message.has("error") && message.get("error").isObject() ? message.get("error") : message;
        String detail = "error " + error.path("code").asText("?") + ": " + error.path("msg").asText("");
        return new Inbound.Rejected(requestId(message), List.of(), new Failure(FailureClass.PROTOCOL, detail));
    }

    private static boolean isShutdown(JsonNode node) {
        return "serverShutdown".equals(node.path("e").asText());
    }

    private static long requestId(JsonNode message) {
        JsonNode id = message.get("id");
        return id != null && id.canConvertToLong() ? id.asLong() : Inbound.NO_ID;
    }

    @Override
    public String ping(long requestId) {
        return null;
    }

    @Override
    public Rules rules() {
        // Binance pings every 20 s: 45 s without anything means two pings went missing. It allows 5
        // incoming messages per second, the JDK's pongs included; a connection ends after 24 h.
        return new Rules(new Heartbeat(0, 0, 45_000), 4, 1024, 23 * 3_600_000L);
    }
}
