package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.feed.MarketEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * OKX v5 public channels {@code trades} and {@code tickers}: one {@code {"op":"subscribe","args":[..]}}
 * per hundred streams, one {@code {"event":"subscribe","arg":..}} ack per stream.
 *
 * <p>Heartbeat: OKX drops a connection that received no data for 30 s, and expects the client to send
 * the text {@code ping} (answered with the text {@code pong}) when it heard nothing for N &lt; 30 s. This
 * side pings after 20 s of silence, and also after 25 s without sending anything, for servers that count
 * the client's silence instead. Notice {@code 64008} announces a service-upgrade disconnect: the feed
 * replaces the connection make-before-break.
 *
 * <p>A {@code trades} push aggregates {@code count} fills of one taker order; its {@code tradeId} is the
 * last of them, so it covers ids {@code tradeId - count + 1 .. tradeId}.
 */
final class OkxAdapter implements ExchangeAdapter {
    static final String NAME = "okx";
    private static final int STREAMS_PER_REQUEST = 100;
    /** The instId in a 60018 error, which names the stream only in its text. */
    private static final Pattern REFUSED_STREAM = Pattern.compile("channel:([\\w-]+),\\s*instId:([\\w-]+)");

    private final Set<String> symbols;
    private final LongSupplier clock;

    OkxAdapter(List<String> symbols, LongSupplier clock) {
        this.symbols = new HashSet<>(symbols);
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * OKX documents port 8443; port 443 (the standard one for wss) is what current clients use, and
     * reports say 8443 stopped taking WebSocket connections in late 2026. Override with {@code .url}.
     */
    @Override
    public URI defaultUrl() {
        return URI.create("wss://ws.okx.com:443/ws/v5/public");
    }

    @Override
    public String key(MarketStream stream) {
        return okxChannel(stream.kind()) + ":" + stream.symbol();
    }

    private static String okxChannel(String kind) {
        return MarketEvent.TRADES.equals(kind) ? "trades" : "tickers";
    }

    @Override
    public List<Request> subscribe(List<MarketStream> streams, LongSupplier ids) {
        List<Request> requests = new ArrayList<>();
        for (int from = 0; from < streams.size(); from += STREAMS_PER_REQUEST) {
            List<MarketStream> chunk = streams.subList(from, Math.min(streams.size(), from + STREAMS_PER_REQUEST));
            long id = ids.getAsLong();
            String args = chunk.stream()
                    .map(s -> "{\"channel\":\"" + okxChannel(s.kind()) + "\",\"instId\":" + Json.quote(s.symbol()) + "}")
                    .collect(Collectors.joining(","));
            requests.add(new Request(id, "{\"id\":\"" + id + "\",\"op\":\"subscribe\",\"args\":[" + args + "]}",
                    chunk.stream().map(this::key).toList()));
        }
        return requests;
    }

    @Override
    public Inbound read(String text) {
        if ("pong".equals(text)) {
            return Inbound.ALIVE;
        }
        return Json.read(text, this::interpret);
    }

    private Inbound interpret(JsonNode message) {
        return switch (message.path("event").asText("")) {
            case "subscribe" -> new Inbound.Acked(requestId(message), List.of(keyOf(message.path("arg"))));
            case "error" -> refusal(message);
            case "notice" -> "64008".equals(message.path("code").asText())
                    ? new Inbound.ClosingSoon("notice 64008: " + message.path("msg").asText())
                    : Inbound.ALIVE;
            case "" -> data(message);
            default -> Inbound.IGNORED;
        };
    }

    private Inbound data(JsonNode message) {
        JsonNode arg = message.path("arg");
        JsonNode data = message.get("data");
        if (data == null || !data.isArray()) {
            return Inbound.IGNORED;
        }
        String channel = arg.path("channel").asText();
        List<UpstreamUpdate> updates = new ArrayList<>(data.size());
        for (JsonNode item : data) {
            String symbol = Json.text(item, "instId");
            if (!symbols.contains(symbol)) {
                continue;
            }
            if ("trades".equals(channel)) {
                long lastId = Json.integer(item, "tradeId");
                long count = item.has("count") ? Math.max(1, Json.integer(item, "count")) : 1;
                MarketEvent.Trade trade = new MarketEvent.Trade(symbol, Json.decimal(item, "px"), Json.decimal(item, "sz"),
                        Json.text(item, "side"), Long.toString(lastId), Json.integer(item, "ts"));
                updates.add(UpstreamUpdate.consecutive(trade, lastId - count + 1, lastId));
            } else if ("tickers".equals(channel)) {
                long ts = item.has("ts") ? Json.integer(item, "ts") : clock.getAsLong();
                updates.add(UpstreamUpdate.unnumbered(new MarketEvent.Ticker(symbol, Json.decimal(item, "bidPx"),
                        Json.decimal(item, "bidSz"), Json.decimal(item, "askPx"), Json.decimal(item, "askSz"), ts)));
            }
        }
        return updates.isEmpty() ? Inbound.IGNORED : new Inbound.Updates(updates);
    }

    /**
     * An {@code error} event. OKX names the refused stream only inside the message text ("channel:tickers,
     * instId:ETH-XYZ doesn't exist"); 60014 is its rate limit, 60018 a stream that does not exist.
     */
    private Inbound refusal(JsonNode message) {
        String code = message.path("code").asText("?");
        String msg = message.path("msg").asText("");
        FailureClass kind = switch (code) {
            case "60014" -> FailureClass.RATE_LIMIT;
            case "60018", "60008", "64001", "64002", "64003" -> FailureClass.FATAL;
            case "60009", "60011", "60024", "60032" -> FailureClass.AUTH;
            default -> FailureClass.PROTOCOL;
        };
        List<String> keys = List.of();
        if (message.path("arg").isObject()) {
            keys = List.of(keyOf(message.path("arg")));
        } else {
            Matcher named = REFUSED_STREAM.matcher(msg);
            if (named.find()) {
                keys = List.of(named.group(1) + ":" + named.group(2));
            }
        }
        return new Inbound.Rejected(requestId(message), keys, new Failure(kind, "error " + code + ": " + msg));
    }

    private static String keyOf(JsonNode arg) {
        return Json.text(arg, "channel") + ":" + Json.text(arg, "instId");
    }

    private static long requestId(JsonNode message) {
        try {
            return message.has("id") ? Long.parseLong(message.get("id").asText()) : Inbound.NO_ID;
        } catch (NumberFormatException e) {
            return Inbound.NO_ID;
        }
    }

    @Override
    public String ping(long requestId) {
        return "ping";
    }

    @Override
    public Rules rules() {
        return new Rules(new Heartbeat(20_000, 25_000, 30_000), 3, 1000, 0);
    }
}
