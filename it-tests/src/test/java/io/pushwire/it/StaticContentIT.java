package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The browser client and the demo page are served from the server jar (Helidon's static-content
 * feature, {@code WEB/} on the class path) with the content types a browser insists on, next to the
 * WebSocket, health and API endpoints, which keep their own answers.
 */
@ExtendWith(SharedServer.class)
class StaticContentIT {

    @Test
    void rootServesTheDemoPage(ServerProcess server) throws Exception {
        for (String path : new String[] {"/", "/index.html"}) {
            HttpResponse<String> page = server.get(path);
            assertEquals(200, page.statusCode(), path);
            assertEquals("text/html", mediaType(page), path);
            assertTrue(page.body().contains("<script type=\"module\" src=\"demo.js\">"), page.body());
        }
    }

    @Test
    void scriptsAreJavaScriptSoThatModulesLoad(ServerProcess server) throws Exception {
        for (String path : new String[] {"/pushwire.js", "/demo.js"}) {
            HttpResponse<String> script = server.get(path);
            assertEquals(200, script.statusCode(), path);
            // A module script with any other MIME type is refused by the browser.
            assertEquals("text/javascript", mediaType(script), path);
        }
        assertTrue(server.get("/pushwire.js").body().contains("export class PushwireClient"));
        assertEquals("text/css", mediaType(server.get("/demo.css")));
    }

    @Test
    void otherEndpointsAreUntouched(ServerProcess server) throws Exception {
        assertEquals(404, server.get("/no-such-file.js").statusCode());
        HttpResponse<String> ready = server.get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("application/json", mediaType(ready));
        // A plain GET of the WebSocket path is not a static file either.
        assertTrue(server.get("/ws").statusCode() >= 400);
        try (RawClient client = RawClient.connect(server)) {
            assertEquals("welcome", client.hello().path("type").asText());
        }
    }

    private static String mediaType(HttpResponse<?> response) {
        String value = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    }
}
