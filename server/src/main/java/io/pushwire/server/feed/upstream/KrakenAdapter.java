package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.feed.MarketEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Kraken spot WebSocket v2, channels {@code trade} and {@code ticker}: one {@code subscribe} per channel
 * for all symbols, answered with one {@code {"method":"subscribe","success":..}} per symbol. Symbols are
 * written {@code BTC/USD} upstream and {@code BTC-USD} here. Prices are JSON numbers, read as decimals.
 *
 * <p>Heartbeat: once subscribed, Kraken sends {@code {"channel":"heartbeat"}} about every second when
 * nothing else is sent; this side also pings ({@code {"method":"ping","req_id":n}}, answered by a
 * {@code pong}) after 5 s of silence and after 30 s without sending, since Kraken closes connections
 * that stay inactive for about a minute. Trades are subscribed with a snapshot (the last 50), so a short
 * reconnect fills its window from it; trade ids are sequential per pair.
 */
final class KrakenAdapter implements ExchangeAdapter {
    static final String NAME = "kraken";

    private final Set<String> symbols;
    private final LongSupplier clock;

    KrakenAdapter(List<String> symbols, LongSupplier clock) {
        this.symbols = new HashSet<>(symbols);
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public URI defaultUrl() {
        return URI.create("wss://ws.kraken.com/v2");
    }

    @Override
    public String key(MarketStream stream) {
        return krakenChannel(stream.kind()) + ":" + krakenSymbol(stream.symbol());
    }

    private static String krakenChannel(String kind) {
        return MarketEvent.TRADES.equals(kind) ? "trade" : "ticker";
    }

    private static String krakenSymbol(String symbol) {
        return symbol.replace('-', '/');
    }

    @Override
    public List<Request> subscribe(List<MarketStream> streams, LongSupplier ids) {
        List<Request> requests = new ArrayList<>();
        for (String kind : List.of(MarketEvent.TRADES, MarketEvent.TICKER)) {
            List<MarketStream> ofKind = streams.stream().filter(s -> s.kind().equals(kind)).toList();
            if (ofKind.isEmpty()) {
                continue;
            }
            long id = ids.getAsLong();
            String symbolList = ofKind.stream().map(s -> Json.quote(krakenSymbol(s.symbol()))).collect(Collectors.joining(","));
            String text = "{\"method\":\"subscribe\",\"params\":{\"channel\":\"" + krakenChannel(kind) + "\",\"symbol\":["
                    + symbolList + "],\"snapshot\":true},\"req_id\":" + id + "}";
            requests.add(new Request(id, text, ofKind.stream().map(this::key).toList()));
        }
        return requests;
    }

    @Override
    public Inbound read(String text) {
        return Json.read(text, this::interpret);
    }

    private Inbound interpret(JsonNode message) {
        String method = message.path("method").asText("");
        if (!method.isEmpty()) {
            return reply(method, message);
        }
        return switch (message.path("channel").asText("")) {
            case "heartbeat", "status" -> Inbound.ALIVE;
            case "trade" -> trades(message.path("data"));
            case "ticker" -> tickers(message.path("data"));
            default -> Inbound.IGNORED;
        };
    }

    private Inbound reply(String method, JsonNode message) {
        long requestId = message.path("req_id").canConvertToLong() ? message.path("req_id").asLong() : Inbound.NO_ID;
        if ("pong".equals(method)) {
            return Inbound.ALIVE;
        }
        if (!"subscribe".equals(method) && !"error".equals(method)) {
            return Inbound.IGNORED;
        }
        JsonNode result = message.path("result");
        String channel = result.path("channel").asText("");
        String symbol = result.has("symbol") ? result.path("symbol").asText() : message.path("symbol").asText("");
        List<String> keys = List.of();
        if (!symbol.isEmpty() && !channel.isEmpty()) {
            keys = List.of(channel + ":" + symbol);
        } else if (!symbol.isEmpty()) {
            keys = List.of("trade:" + symbol, "ticker:" + symbol); // the refusal names no channel: both of that pair
        }
        if (message.path("success").asBoolean(false)) {
            return new Inbound.Acked(requestId, keys);
        }
        String error = message.path("error").asText("refused");
        FailureClass kind = error.toLowerCase().contains("not supported") || error.toLowerCase().contains("not found")
                ? FailureClass.FATAL
                : error.toLowerCase().contains("rate") ? FailureClass.RATE_LIMIT : FailureClass.PROTOCOL;
        return new Inbound.Rejected(requestId, keys, new Failure(kind, error));
    }

    /** A snapshot may list trades newest first; ids go to the guard in order. */
    private Inbound trades(JsonNode data) {
        List<UpstreamUpdate> updates = new ArrayList<>();
        for (JsonNode item : data) {
            String symbol = ourSymbol(Json.text(item, "symbol"));
            if (symbol == null) {
                continue;
            }
            long tradeId = Json.integer(item, "trade_id");
            MarketEvent.Trade trade = new MarketEvent.Trade(symbol, Json.decimal(item, "price"), Json.decimal(item, "qty"),
                    Json.text(item, "side"), Long.toString(tradeId), Json.instant(item, "timestamp"));
            updates.add(UpstreamUpdate.consecutive(trade, tradeId, tradeId));
        }
        updates.sort(Comparator.comparingLong(UpstreamUpdate::lastId));
        return updates.isEmpty() ? Inbound.IGNORED : new Inbound.Updates(updates);
    }

    private Inbound tickers(JsonNode data) {
        List<UpstreamUpdate> updates = new ArrayList<>();
        for (JsonNode item : data) {
            String symbol = ourSymbol(Json.text(item, "symbol"));
            if (symbol == null) {
                continue;
            }
            long ts = item.has("timestamp") ? Json.instant(item, "timestamp") : clock.getAsLong();
            updates.add(UpstreamUpdate.unnumbered(new MarketEvent.Ticker(symbol, Json.decimal(item, "bid"),
                    Json.decimal(item, "bid_qty"), Json.decimal(item, "ask"), Json.decimal(item, "ask_qty"), ts)));
        }
        return updates.isEmpty() ? Inbound.IGNORED : new Inbound.Updates(updates);
    }

    private String ourSymbol(String krakenSymbol) {
        String symbol = krakenSymbol.replace('/', '-');
        return symbols.contains(symbol) ? symbol : null;
    }

    @Override
    public String ping(long requestId) {
        return "{\"method\":\"ping\",\"req_id\":" + requestId + "}";
    }

    @Override
    public Rules rules() {
        return new Rules(new Heartbeat(5_000, 30_000, 10_000), 5, 1000, 0);
    }
}
