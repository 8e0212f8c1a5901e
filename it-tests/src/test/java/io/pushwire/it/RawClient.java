package io.pushwire.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that knows nothing of Pushwire's code: plain JDK WebSocket and plain JSON, the
 * way a third-party client written from protocol-v1.md sees the server. Batches are split into frames.
 */
final class RawClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** While set, no more messages are requested: the socket stops being read, as with a stalled client. */
    private volatile boolean paused;

    private RawClient(HttpClient http, URI uri, String... subprotocols) {
        Listener listener = new Listener();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        this.socket = builder.buildAsync(uri, listener).join();
    }

    static RawClient connect(ServerProcess server, String... subprotocols) {
        return new RawClient(server.httpClient().build(), server.webSocketUri(), subprotocols);
    }

    static RawClient connect(URI uri) {
        return new RawClient(HttpClient.newHttpClient(), uri);
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Sends hello and returns the welcome. */
    JsonNode hello() throws InterruptedException {
        return hello("");
    }

    /** Sends hello with extra fields (e.g. {@code ,"clientId":"..."}) and returns the welcome. */
    JsonNode hello(String extraFields) throws InterruptedException {
        send("{\"type\":\"hello\",\"id\":1,\"protocol\":1" + extraFields + "}");
        JsonNode welcome = next();
        if (!"welcome".equals(welcome.path("type").asText())) {
            throw new AssertionError("expected welcome, got " + welcome);
        }
        return welcome;
    }

    /** The next frame from the server. */
    JsonNode next() throws InterruptedException {
        JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the server within 10 s");
        }
        return frame;
    }

    /** The next frame within {@code ms}, or {@code null}. */
    JsonNode poll(long ms) throws InterruptedException {
        return frames.poll(ms, TimeUnit.MILLISECONDS);
    }

    /** The next frame of the given type, skipping events and pings in between. */
    JsonNode nextOfType(String type) throws InterruptedException {
        while (true) {
            JsonNode frame = next();
            if (type.equals(frame.path("type").asText())) {
                return frame;
            }
            String seen = frame.path("type").asText();
            if (!seen.equals("event") && !seen.equals("ping")) {
                throw new AssertionError("expected " + type + ", got " + frame);
            }
        }
    }

    /** The close code the server sent, waiting up to {@code seconds}. */
    int awaitClose(long seconds) throws Exception {
        return closeCode.get(seconds, TimeUnit.SECONDS);
    }

    boolean isClosed() {
        return closeCode.isDone();
    }

    /** Stops reading from the socket (after the message in hand): the server's writes back up. */
    void pauseReading() {
        paused = true;
    }

    /** Reads again. */
    void resumeReading() {
        if (paused) {
            paused = false;
            socket.request(1);
        }
    }

    /** Starts a normal close handshake with {@code code}. */
    void closeWith(int code) {
        socket.sendClose(code, "bye").join();
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.isArray()) {
                        message.forEach(frames::add);
                    } else {
                        frames.add(message);
                    }
                } catch (Exception e) {
                    closeCode.completeExceptionally(new AssertionError("server sent invalid JSON: " + partial, e));
                }
                partial.setLength(0);
            }
            if (!paused) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }
}
