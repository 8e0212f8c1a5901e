package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input always gets a clear error frame or close code, and the server keeps serving. */
@ExtendWith(SharedServer.class)
class BadInputIT {

    @Test
    void unknownFrameTypeGetsBadRequestWithItsId(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"launch\",\"id\":9}");
            JsonNode error = client.nextOfType("error");
            assertEquals("bad_request", error.path("code").asText());
            assertEquals(9, error.path("id").asLong());
            assertTrue(error.path("message").asText().contains("launch"));
            assertFalse(error.path("temporary").asBoolean(true));
        }
    }

    @Test
    void garbageFramesGetErrorsAndTheConnectionKeepsWorking(ServerProcess server) throws Exception {
        String[] garbage = {"not json", "{", "[]", "[1,2]", "42", "null", "{\"type\":5}", "{\"id\":1}",
                "{\"type\":\"subscribe\",\"id\":3,\"channel\":\"has space\"}",
                "{\"type\":\"subscribe\",\"id\":4,\"channel\":\"" + "x".repeat(200) + "\"}",
                "{\"type\":\"welcome\",\"id\":5}", "\u0000\u0001\u0002", "{\"type\":\"ping\"} trailing"};
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            for (String text : garbage) {
                client.send(text);
                JsonNode error = client.nextOfType("error");
                assertTrue(error.path("code").asText().matches("bad_request|too_large"), text + " -> " + error);
                assertFalse(error.path("message").asText().isBlank());
            }
            client.send("{\"type\":\"ping\",\"ts\":1}");
            assertEquals(1, client.nextOfType("pong").path("ts").asLong());
            assertFalse(client.isClosed());
        }
        assertEquals(200, server.get("/health/live").statusCode());
    }

    @Test
    void firstFrameThatIsNotHelloClosesWith4400(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"sim.trades.BTC-USDT\"}");
            JsonNode error = client.next();
            assertEquals("error", error.path("type").asText());
            assertTrue(error.path("message").asText().contains("first frame must be hello"));
            assertEquals(4400, client.awaitClose(5));
        }
    }

    @Test
    void unsupportedProtocolVersionClosesWith4400(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.send("{\"type\":\"hello\",\"id\":1,\"protocol\":2}");
            assertEquals("bad_request", client.next().path("code").asText());
            assertEquals(4400, client.awaitClose(5));
        }
    }

    @Test
    void frameOverTheSizeLimitClosesWith1009(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            // 30,000 two-byte characters: under the limit in characters, over it in UTF-8 bytes.
            client.send("{\"type\":\"ping\",\"pad\":\"" + "é".repeat(33_000) + "\"}");
            assertEquals(1009, client.awaitClose(5));
        }
    }

    @Test
    void aFrameOfExactlyMaxFrameBytesIsServed(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            String head = "{\"type\":\"ping\",\"ts\":3,\"pad\":\"";
            client.send(head + "x".repeat(65_536 - head.length() - 2) + "\"}");
            assertEquals(3, client.nextOfType("pong").path("ts").asLong());
        }
    }

    @Test
    void aMultiMegabyteMessageIsRefusedWith1009WithoutBufferingItWhole(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            try {
                client.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(8_000_000) + "\"}");
            } catch (java.util.concurrent.CompletionException closedMidSend) {
                // the server may close before the client has finished sending
            }
            assertEquals(1009, client.awaitClose(5));
        }
        assertEquals(200, server.get("/health/live").statusCode());
    }

    @Test
    void binaryFrameIsRejectedWithAnError(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            JsonNode error = client.nextOfType("error");
            assertTrue(error.path("message").asText().contains("binary"));
        }
    }

    @Test
    void unknownChannelInAFeedNamespaceIsRefused(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":5,\"channel\":\"sim.trades.BTC-USD\"}");
            JsonNode error = client.nextOfType("error");
            assertEquals("unknown_channel", error.path("code").asText());
            assertEquals(5, error.path("id").asLong());
        }
    }

    @Test
    void publishIsForbiddenForAnonymousSessions(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"publish\",\"id\":6,\"channel\":\"chat\",\"data\":{\"x\":1}}");
            JsonNode error = client.nextOfType("error");
            assertEquals("forbidden", error.path("code").asText());
            assertEquals(6, error.path("id").asLong());
        }
    }

    @Test
    void resumeAttemptGetsAFreshSessionAndResumeFailed(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.send("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"GHOST\",\"resumeToken\":\"guess\"}");
            JsonNode welcome = client.next();
            assertEquals("welcome", welcome.path("type").asText());
            assertFalse(welcome.path("resumed").asBoolean(true));
            assertFalse("GHOST".equals(welcome.path("clientId").asText()));
            assertEquals("resume_failed", client.nextOfType("error").path("code").asText());
        }
    }

    @Test
    void connectionThatNeverSaysHelloIsClosedWith4400(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            assertEquals(4400, client.awaitClose(10));
        }
    }
}
