package io.pushwire.it.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The client the Pushwire server's connectors use, {@link java.net.http.WebSocket}, driving a fake in
 * {@link FakeExchangesIT}. It never sends a pong itself: whatever pongs go out are the JDK's own.
 * Without demand ({@code reading == false}) it requests nothing, so the JDK reads nothing at all.
 */
final class JdkWsClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    private final boolean reading;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private JdkWsClient(boolean reading) {
        this.reading = reading;
    }

    static JdkWsClient connect(URI uri) throws Exception {
        return connect(uri, true);
    }

    static JdkWsClient connect(URI uri, boolean reading) throws Exception {
        JdkWsClient client = new JdkWsClient(reading);
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, client).get(5, TimeUnit.SECONDS);
        return client;
    }

    /** Starts the connection; the exception, if any, as the JDK reports it. */
    static CompletableFuture<WebSocket> attempt(URI uri) {
        return HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new JdkWsClient(true));
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendPing(String payload) {
        socket.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.US_ASCII))).join();
    }

    /** The next text message within 5 s. */
    String next() throws InterruptedException {
        String message = messages.poll(5, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 5 s");
        }
        return message;
    }

    JsonNode nextJson() throws Exception {
        return JSON.readTree(next());
    }

    /** The next message that satisfies {@code wanted}, skipping others (heartbeats, data). */
    String next(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String message = messages.poll(100, TimeUnit.MILLISECONDS);
            if (message != null && wanted.test(message)) {
                return message;
            }
        }
        throw new AssertionError("no wanted message within 5 s");
    }

    static JsonNode parse(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.add(StandardCharsets.US_ASCII.decode(message).toString());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error.complete(e);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
