package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pushwire.js}, as the server serves it, against a fake WebSocket inside headless Chromium: the
 * client's decisions frame by frame (resume and positions, de-duplication and gap trimming, epochs,
 * close codes, the watchdog, goaway, batching and refusals, a reload's resume from storage, publishes
 * held back, rejected or never sent twice, a JWT's refresh and its retry), which
 * the end-to-end tests in {@link BrowserDemoIT} cannot provoke on purpose. The scenarios are in
 * {@code src/test/resources/pushwire-js-scenarios.js}; each one here is one of them.
 */
@ExtendWith(SharedServer.class)
class PushwireJsIT {
    private static final String SCENARIOS = resource("/pushwire-js-scenarios.js");
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws IOException {
        chromium = HeadlessChromium.start("pushwire-js");
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** Every {@code async name(PushwireClient)} in the scenarios file. */
    static Stream<String> scenarios() {
        return Pattern.compile("(?m)^  async (\\w+)\\(PushwireClient\\)").matcher(SCENARIOS).results()
                .map(name -> name.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(String name, ServerProcess server) {
        // A page of the server's origin, so that the scenario can import /pushwire.js; a new one each time.
        chromium.freshTab();
        chromium.driver().get(server.httpUri("/pushwire.js").toString());
        Object outcome = chromium.driver().executeAsyncScript(SCENARIOS, name);
        assertEquals("ok", outcome, name);
    }

    private static String resource(String name) {
        try (InputStream in = PushwireJsIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
