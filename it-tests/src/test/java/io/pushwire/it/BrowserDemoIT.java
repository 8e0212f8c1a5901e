package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The demo page and {@code pushwire.js} against the real server in a real headless Chromium
 * ({@link HeadlessChromium}: the system's browser, which must be installed).
 *
 * <p>Every test opens the page in a new tab, which starts with an empty {@code sessionStorage} (where
 * the page keeps its session), and reads the page through the DOM and the read-only
 * {@code window.pushwireDemo} hook.
 */
class BrowserDemoIT {
    private static final List<String> SYMBOLS = List.of("BTC-USDT", "ETH-USDT", "SOL-USDT");
    private static final List<String> TRADES = SYMBOLS.stream().map(symbol -> "sim.trades." + symbol).toList();
    private static final Pattern PRICE = Pattern.compile("\\d+(\\.\\d+)?");
    /**
     * 200 events/s so that every channel moves several times a second; a heartbeat of 2 + 2 s so that
     * the page's watchdog notices a blackholed connection within seconds, not 35.
     */
    private static final Map<String, String> SETTINGS = Map.of(
            "pushwire.feeds.simulated.rate", "200",
            "pushwire.heartbeat.interval-ms", "2000",
            "pushwire.heartbeat.timeout-ms", "2000");

    private static HeadlessChromium chromium;
    private static ChromeDriver browser;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.start("browser-demo");
        browser = chromium.driver();
        server = ServerProcess.start("browser", SETTINGS);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** A new tab: a page that has no session in sessionStorage from an earlier test. */
    @BeforeEach
    void freshTab() {
        chromium.freshTab();
    }

    @Test
    void pageConnectsAndShowsLivePricesForEverySymbol() throws Exception {
        browser.get(server.httpUri("/").toString());
        awaitConnected();
        assertEquals("connected", browser.findElement(By.id("state")).getAttribute("data-state"));
        Map<String, String> first = awaitPricesForEverySymbol();
        await(Duration.ofSeconds(15), "every symbol's prices to move: " + first, () -> {
            Map<String, String> now = board();
            return SYMBOLS.stream().allMatch(symbol -> !now.get(symbol).equals(first.get(symbol)));
        });
        assertEquals(List.of(), gaps(), "nothing lost on a quiet connection");
    }

    @Test
    void afterTheServerIsKilledAndRestartedThePageReconnectsAndIsLiveAgain() throws Exception {
        ServerProcess first = ServerProcess.start("browser-restart-1", SETTINGS);
        int port = first.port();
        try {
            browser.get(first.httpUri("/").toString());
            awaitConnected();
            awaitPricesForEverySymbol();
            String firstClientId = clientId();

            first.kill();
            await(Duration.ofSeconds(15), "the page to notice the kill", () -> !"connected".equals(state()));
            try (ServerProcess second = ServerProcess.start("browser-restart-2", SETTINGS, port)) {
                awaitConnected();
                assertTrue(reconnects() >= 1, "reconnects: " + reconnects());
                assertNotEquals(firstClientId, clientId(), "the old session died with the process");
                Map<String, String> atReconnect = board();
                Map<String, Integer> tradesAtReconnect = tradeCounts();
                await(Duration.ofSeconds(20), "live prices from the restarted server", () -> {
                    Map<String, String> now = board();
                    Map<String, Integer> trades = tradeCounts();
                    return SYMBOLS.stream().allMatch(symbol -> !now.get(symbol).equals(atReconnect.get(symbol)))
                            && TRADES.stream().allMatch(channel -> trades.get(channel) >= tradesAtReconnect.get(channel) + 5);
                });
                assertTrue(gaps().stream().anyMatch(gap -> "epoch_changed".equals(gap.get("reason"))),
                        "the page followed the server's epoch_changed: " + gaps());
                assertEquals("connected", browser.findElement(By.id("state")).getAttribute("data-state"));
                await(Duration.ofSeconds(5), "the header to show the reconnects", () ->
                        browser.findElement(By.id("reconnects")).getText().equals(String.valueOf(reconnects())));
            }
        } finally {
            first.close();
        }
    }

    @Test
    void aDroppedTransportResumesTheSessionWithoutLosingOrRepeatingATrade() throws Exception {
        try (ChaosProxy proxy = new ChaosProxy(server.port())) {
            browser.get(server.httpUri("/?ws=ws://127.0.0.1:" + proxy.port() + "/ws").toString());
            awaitConnected();
            awaitTrades(20);
            String clientId = clientId();
            Random random = new Random(7);
            // Resets (the page hears a 1006 at once) and a blackhole (the page hears nothing at all and
            // must notice by its heartbeat watchdog: interval + timeout = 4 s here).
            List<String> faults = List.of("reset", "blackhole", "reset");
            for (String fault : faults) {
                int welcomesBefore = welcomes().size();
                int reconnectsBefore = reconnects();
                if (fault.equals("reset")) {
                    proxy.cutAll();
                } else {
                    assertTrue(proxy.blackholeOne(random), "no live connection to blackhole");
                }
                await(Duration.ofSeconds(20), "a new welcome after the " + fault,
                        () -> welcomes().size() > welcomesBefore && "connected".equals(state()));
                assertTrue(reconnects() > reconnectsBefore, "the page reconnected by itself");
                awaitTrades(tradeCounts().values().stream().mapToInt(Integer::intValue).min().orElse(0) + 20);
            }

            List<Map<String, Object>> welcomes = welcomes();
            assertTrue(welcomes.size() >= faults.size() + 1, "a welcome after every fault: " + welcomes);
            for (Map<String, Object> welcome : welcomes.subList(1, welcomes.size())) {
                assertEquals(clientId, welcome.get("clientId"), "same session: " + welcomes);
                assertEquals(Boolean.TRUE, welcome.get("resumed"), "resumed: " + welcomes);
            }
            for (String channel : TRADES) {
                assertConsecutive(channel, tradeSeqs(channel));
            }
            assertEquals(List.of(), gaps(), "history held everything: no gap");
        }
    }

    @Test
    void aReloadedPageResumesTheSessionWhereThePreviousPageLeftOff() throws Exception {
        browser.get(server.httpUri("/").toString());
        awaitConnected();
        awaitTrades(10);
        String clientId = clientId();

        browser.navigate().refresh();
        awaitConnected();
        List<Map<String, Object>> welcomes = welcomes();
        assertEquals(clientId, welcomes.get(0).get("clientId"), "the reloaded page kept the session: " + welcomes);
        assertEquals(Boolean.TRUE, welcomes.get(0).get("resumed"), "resumed: " + welcomes);
        awaitTrades(10);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> restored = (Map<String, Map<String, Object>>) js(
                "return window.pushwireDemo.restoredPositions()");
        for (String channel : TRADES) {
            List<Long> seqs = tradeSeqs(channel);
            long leftOff = ((Number) restored.get(channel).get("seq")).longValue();
            assertEquals(leftOff + 1, seqs.get(0), channel + ": the new page continues after the old one's last trade");
            assertConsecutive(channel, seqs);
        }
        assertEquals(List.of(), gaps());
    }

    @Test
    void screenshotOfTheRunningPage() throws Exception {
        browser.get(server.httpUri("/").toString());
        awaitConnected();
        awaitPricesForEverySymbol();
        await(Duration.ofSeconds(15), "a full trade tape and a latency figure", () ->
                browser.findElements(By.cssSelector("#tape tr")).size() >= 30
                        && PRICE.matcher(browser.findElement(By.id("latency-p50")).getText()).matches());
        Path screenshot = Path.of("target", "screenshots", "demo.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(screenshot) > 20_000, "a screenshot with something on it: " + Files.size(screenshot));
    }

    // ---------------------------------------------------------------- reading the page

    private static Object js(String script) {
        return browser.executeScript(script);
    }

    private static String state() {
        return (String) js("return window.pushwireDemo ? window.pushwireDemo.state() : null");
    }

    private static String clientId() {
        return (String) js("return window.pushwireDemo.clientId()");
    }

    private static int reconnects() {
        return ((Number) js("return window.pushwireDemo.reconnects()")).intValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> gaps() {
        return (List<Map<String, Object>>) js("return window.pushwireDemo.gaps()");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> welcomes() {
        return (List<Map<String, Object>>) js("return window.pushwireDemo.welcomes()");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> tradeSeqs(String channel) {
        return ((List<Number>) browser.executeScript("return window.pushwireDemo.tradeSeqs(arguments[0])", channel))
                .stream().map(Number::longValue).toList();
    }

    /** Trades delivered per trade channel, counted in the page in one script run. */
    @SuppressWarnings("unchecked")
    private static Map<String, Integer> tradeCounts() {
        Map<String, Object> counts = (Map<String, Object>) js("const d = window.pushwireDemo; const r = {};"
                + " for (const c of d.tradeChannels()) { r[c] = d.tradeSeqs(c).length; } return r;");
        Map<String, Integer> result = new HashMap<>();
        counts.forEach((channel, count) -> result.put(channel, ((Number) count).intValue()));
        return result;
    }

    /** Bid, ask and last per symbol as the board shows them, e.g. {@code "64000.10|64000.20|64000.15"}. */
    private static Map<String, String> board() {
        Map<String, String> board = new HashMap<>();
        for (String symbol : SYMBOLS) {
            WebElement row = browser.findElement(By.cssSelector("#board tr[data-symbol='" + symbol + "']"));
            board.put(symbol, String.join("|", row.findElement(By.cssSelector("td.bid")).getText(),
                    row.findElement(By.cssSelector("td.ask")).getText(),
                    row.findElement(By.cssSelector("td.last")).getText()));
        }
        return board;
    }

    private static Map<String, String> awaitPricesForEverySymbol() throws InterruptedException {
        await(Duration.ofSeconds(15), "bid, ask and last for " + SYMBOLS, () -> board().values().stream()
                .allMatch(prices -> Stream.of(prices.split("\\|", -1)).allMatch(p -> PRICE.matcher(p).matches())));
        return board();
    }

    private static void awaitConnected() throws InterruptedException {
        await(Duration.ofSeconds(30), "the page to be connected", () -> "connected".equals(state()));
    }

    private static void awaitTrades(int perChannel) throws InterruptedException {
        await(Duration.ofSeconds(20), perChannel + " trades on every trade channel",
                () -> TRADES.stream().allMatch(channel -> tradeCounts().getOrDefault(channel, 0) >= perChannel));
    }

    private static void assertConsecutive(String channel, List<Long> seqs) {
        assertTrue(seqs.size() > 1, channel + ": too few trades " + seqs);
        List<String> breaks = new ArrayList<>();
        for (int i = 1; i < seqs.size(); i++) {
            if (seqs.get(i) != seqs.get(i - 1) + 1) {
                breaks.add(seqs.get(i - 1) + " -> " + seqs.get(i));
            }
        }
        assertEquals(List.of(), breaks, channel + ": every seq once and in order, " + seqs.size() + " trades from "
                + seqs.get(0));
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; page state "
                        + state() + ", connection log:\n" + connectionLog());
            }
            Thread.sleep(100);
        }
    }

    private static String connectionLog() {
        try {
            return browser.findElement(By.id("log")).getText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
