package io.pushwire.it.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP/1.1 side of the WebSocket opening handshake (RFC 6455 section 4.2): reading the upgrade
 * request with a size limit, and writing either the 101 answer or a refusal with an optional
 * {@code Retry-After}, which is how exchanges push back on clients that connect too often.
 */
final class Handshake {
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String method;
    private final String target;
    private final Map<String, String> headers;

    private Handshake(String method, String target, Map<String, String> headers) {
        this.method = method;
        this.target = target;
        this.headers = headers;
    }

    /** The request's path and query, as the client sent them. */
    String target() {
        return target;
    }

    /**
     * Reads the request head, up to {@code limit} bytes; {@code null} when the peer closed first or sent
     * something that is not an HTTP request head.
     */
    static Handshake read(InputStream in, int limit) throws IOException {
        byte[] head = new byte[limit];
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0 || length == limit) {
                return null;
            }
            head[length++] = (byte) b;
            if (length >= 4 && head[length - 4] == '\r' && head[length - 3] == '\n' && head[length - 2] == '\r'
                    && head[length - 1] == '\n') {
                break;
            }
        }
        String[] lines = new String(head, 0, length - 4, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return null;
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        return new Handshake(requestLine[0], requestLine[1], headers);
    }

    /** Why this is not a WebSocket upgrade the fake can take, as an HTTP status; 0 when it is one. */
    int problemStatus() {
        if (!"GET".equals(method)) {
            return 405;
        }
        if (!header("Upgrade").contains("websocket") || !header("Connection").contains("upgrade")
                || headers.get("Sec-WebSocket-Key") == null) {
            return 400;
        }
        if (!"13".equals(headers.get("Sec-WebSocket-Version"))) {
            return 426;
        }
        return 0;
    }

    private String header(String name) {
        return headers.getOrDefault(name, "").toLowerCase(Locale.ROOT);
    }

    /** Writes the 101 answer. No subprotocol and no extension (so no permessage-deflate) is ever chosen. */
    void accept(OutputStream out) throws IOException {
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey(headers.get("Sec-WebSocket-Key")) + "\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes a refusal; the caller closes the socket afterwards. */
    static void refuse(OutputStream out, int status, String retryAfterOrNull) throws IOException {
        String body = status + " " + reasonPhrase(status) + "\n";
        StringBuilder response = new StringBuilder()
                .append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
        if (retryAfterOrNull != null) {
            response.append("Retry-After: ").append(retryAfterOrNull).append("\r\n");
        }
        if (status == 426) {
            response.append("Sec-WebSocket-Version: 13\r\n");
        }
        response.append("Content-Type: text/plain\r\n")
                .append("Content-Length: ").append(body.length()).append("\r\n")
                .append("Connection: close\r\n\r\n")
                .append(body);
        out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 418 -> "I'm a teapot";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Refused";
        };
    }
}
