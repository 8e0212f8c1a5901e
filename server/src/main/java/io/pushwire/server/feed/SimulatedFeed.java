package io.pushwire.server.feed;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.core.FeedSink;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The built-in market feed: a {@link MarketSimulator} driven at a fixed total rate, publishing trades on
 * {@code sim.trades.<SYMBOL>} and best bid/ask on {@code sim.ticker.<SYMBOL>}. It needs no network, so
 * a server is useful the moment it starts.
 *
 * <p>A 10 ms tick publishes as many events as the rate has accrued since the last tick, so any rate
 * from 1 to hundreds of thousands per second is met without a timer per event.
 */
public final class SimulatedFeed implements Feed {
    public static final String NAME = "sim";
    private static final Logger LOG = System.getLogger(SimulatedFeed.class.getName());
    private static final long TICK_MS = 10;

    private final FeedSink hub;
    private final InstantSource clock;
    private final SimulatedFeedConfig config;
    private final MarketSimulator market;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pushwire-feed-sim").daemon().factory());
    /** Feed thread only: events accrued but not yet published. */
    private double owed;
    private volatile long published;
    private volatile long lastPublishMs;
    private volatile boolean running;

    public SimulatedFeed(FeedSink hub, InstantSource clock, SimulatedFeedConfig config) {
        this.hub = hub;
        this.clock = clock;
        this.config = config;
        this.market = new MarketSimulator(config.symbols().stream().map(Instrument::forSymbol).toList(),
                config.seed());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> channels() {
        return config.symbols().stream()
                .flatMap(symbol -> List.of(tradesChannel(symbol), tickerChannel(symbol)).stream())
                .toList();
    }

    /** Continues the trade ids and prices of the latest trades another node published. */
    @Override
    public void continueAfter(Map<String, JsonNode> latestData) {
        long lastTradeId = 0;
        Map<String, Double> lastPrices = new HashMap<>();
        for (String symbol : config.symbols()) {
            JsonNode trade = latestData.get(tradesChannel(symbol));
            if (trade != null) {
                lastTradeId = Math.max(lastTradeId, trade.path("tradeId").asLong(0));
                lastPrices.put(symbol, trade.path("price").asDouble(0));
            }
        }
        market.continueAfter(lastTradeId, lastPrices);
    }

    /** Declares the channels, live at once: a simulated market has nothing to connect to. */
    @Override
    public void start() {
        for (String channel : channels()) {
            hub.declare(channel);
            hub.markStale(channel, false, null);
        }
        ticker.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        running = true;
        LOG.log(Level.INFO, "simulated feed started: " + config.symbols() + " at " + config.ratePerSec()
                + " events/s");
    }

    /** The built-in market is part of the server: it is always required. */
    @Override
    public boolean required() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("running", running);
        facts.put("ratePerSec", config.ratePerSec());
        facts.put("published", published);
        long last = lastPublishMs;
        facts.put("lastMessageAgeMs", last == 0 ? -1 : clock.millis() - last);
        return facts;
    }

    @Override
    public Figures figures() {
        long last = lastPublishMs;
        return new Figures(running, 0, last == 0 ? -1 : clock.millis() - last, 0, 0, published);
    }

    @Override
    public void close() {
        running = false;
        ticker.shutdownNow();
    }

    /** Publishes what the rate owes for one tick. Never throws: a scheduled task that throws stops forever. */
    void tick() {
        try {
            owed += config.ratePerSec() * TICK_MS / 1000.0;
            long now = clock.millis();
            while (owed >= 1) {
                owed -= 1;
                publish(market.next(now));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "simulated feed tick failed", e);
        }
    }

    private void publish(MarketEvent event) {
        hub.publish(event.channel(NAME), event.toJson(NAME), event.idempotencyKey());
        published++;
        lastPublishMs = clock.millis();
    }

    static String tradesChannel(String symbol) {
        return MarketEvent.channelName(NAME, MarketEvent.TRADES, symbol);
    }

    static String tickerChannel(String symbol) {
        return MarketEvent.channelName(NAME, MarketEvent.TICKER, symbol);
    }
}
