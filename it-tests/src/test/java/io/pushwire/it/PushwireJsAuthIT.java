package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pushwire.js} in headless Chromium against the real server in {@code pushwire.auth.mode=jwt}:
 * publish (delivered, refused by permissions, too large for the server, buffered while disconnected) and
 * the token's refresh (on the client's timer before exp, on the server's {@code token_expired}, refused for
 * another subject). The scenarios are in {@code src/test/resources/pushwire-js-auth-scenarios.js}; the
 * tokens they use are signed here, just before each one runs, since some expire within seconds.
 */
class PushwireJsAuthIT {
    private static final String SCENARIOS = resource("/pushwire-js-auth-scenarios.js");
    private static ServerProcess server;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("pushwire-js-auth", TestTokens.SERVER_SETTINGS);
        chromium = HeadlessChromium.start("pushwire-js-auth");
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

    /** Every {@code async name(PushwireClient)} in the scenarios file. */
    static Stream<String> scenarios() {
        return Pattern.compile("(?m)^  async (\\w+)\\(PushwireClient\\)").matcher(SCENARIOS).results()
                .map(name -> name.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(String name) {
        List<String> all = List.of("*");
        Map<String, String> tokens = Map.of(
                "reader", TestTokens.token("reader", 60_000, all, List.of()),
                "writer", TestTokens.token("writer", 60_000, all, List.of("chat.*")),
                // Expires 4 s from now and may not publish; fresh is the same subject's next token.
                "shortLived", TestTokens.token("alice", 4_000, all, List.of()),
                "fresh", TestTokens.token("alice", 60_000, all, List.of("chat.*")),
                // Past exp, honoured by the server for 2 to 3 s more (30 s of clock skew).
                "expiring", TestTokens.token("alice", -27_000, all, List.of()),
                "otherSubject", TestTokens.token("mallory", 60_000, all, List.of("chat.*")));
        chromium.freshTab();
        chromium.driver().get(server.httpUri("/pushwire.js").toString());
        Object outcome = chromium.driver().executeAsyncScript(SCENARIOS, name, server.webSocketUri().toString(), tokens);
        assertEquals("ok", outcome, name);
    }

    private static String resource(String name) {
        try (InputStream in = PushwireJsAuthIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
