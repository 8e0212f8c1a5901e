package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pushwire.auth.mode=jwt} through the real server: hello without a valid token closes 4401,
 * permissions decide subscribe and publish, resume is bound to the subject, and an expiring token must
 * be refreshed within the grace period.
 */
class AuthIT {
    private static final String SECRET = "the-auth-it-secret-of-at-least-32-bytes";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("auth", Map.of(
                "pushwire.auth.mode", "jwt",
                "pushwire.auth.jwt.secret", SECRET,
                "pushwire.auth.grace-ms", "1000",
                "pushwire.admin.token", "admin-secret"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String token(String subject, long validForMs, List<String> subscribe, List<String> publish) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(subject).expirationTime(new Date(System.currentTimeMillis() + validForMs))
                .claim("channels", Map.of("subscribe", subscribe, "publish", publish)).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** A counter's value in a scrape of {@code /metrics}, which needs no token. */
    private static double metric(String name) throws Exception {
        return MetricsIT.parse(server.get("/metrics").body()).get(name).get(0);
    }

    private static String tokenField(String token) {
        return ",\"token\":\"" + token + "\"";
    }

    @Test
    void helloWithoutAValidTokenIsClosed4401() throws Exception {
        try (RawClient anonymous = RawClient.connect(server); RawClient forged = RawClient.connect(server)) {
            anonymous.send("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
            assertEquals("unauthorized", anonymous.nextOfType("error").path("code").asText());
            assertEquals(4401, anonymous.awaitClose(5));

            String valid = token("alice", 60_000, List.of("*"), List.of());
            forged.send("{\"type\":\"hello\",\"id\":1,\"protocol\":1" + tokenField(valid.substring(0, valid.length() - 4) + "AAAA") + "}");
            assertEquals("unauthorized", forged.nextOfType("error").path("code").asText());
            assertEquals(4401, forged.awaitClose(5));
        }
        assertTrue(metric("pushwire_hellos_unauthorized_total") >= 2, "both refused hellos are counted");
    }

    @Test
    void permissionsDecideSubscribeAndPublish() throws Exception {
        try (RawClient reader = RawClient.connect(server); RawClient writer = RawClient.connect(server)) {
            reader.hello(tokenField(token("reader", 60_000, List.of("sim.trades.*", "chat.*"), List.of())));
            reader.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            reader.nextOfType("subscribed");
            reader.send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"sim.ticker.BTC-USDT\"}");
            JsonNode forbidden = reader.nextOfType("error");
            assertEquals("forbidden", forbidden.path("code").asText(), forbidden.toString());
            assertEquals(3, forbidden.path("id").asInt());
            reader.send("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"chat.lobby\"}");
            reader.nextOfType("subscribed");

            writer.hello(tokenField(token("writer", 60_000, List.of(), List.of("chat.*"))));
            writer.send("{\"type\":\"publish\",\"id\":5,\"channel\":\"news.x\",\"data\":1}");
            assertEquals("forbidden", writer.nextOfType("error").path("code").asText());
            writer.send("{\"type\":\"publish\",\"id\":6,\"channel\":\"chat.lobby\",\"data\":{\"text\":\"hi\"}}");

            JsonNode event = reader.nextOfType("event");
            while (!"chat.lobby".equals(event.path("channel").asText())) {
                event = reader.nextOfType("event");
            }
            assertEquals("hi", event.path("data").path("text").asText());
        }
    }

    @Test
    void aResumeTokenDoesNotResumeForAnotherSubject() throws Exception {
        String clientId;
        String resumeToken;
        try (RawClient alice = RawClient.connect(server)) {
            JsonNode welcome = alice.hello(tokenField(token("alice", 60_000, List.of("*"), List.of())));
            clientId = welcome.path("clientId").asText();
            resumeToken = welcome.path("resumeToken").asText();
        }
        try (RawClient mallory = RawClient.connect(server)) {
            JsonNode welcome = mallory.hello(tokenField(token("mallory", 60_000, List.of("*"), List.of()))
                    + ",\"clientId\":\"" + clientId + "\",\"resumeToken\":\"" + resumeToken + "\"");
            assertFalse(welcome.path("resumed").asBoolean(), welcome.toString());
            assertTrue(!clientId.equals(welcome.path("clientId").asText()));
            assertEquals("resume_failed", mallory.nextOfType("error").path("code").asText());
        }
        try (RawClient alice = RawClient.connect(server)) {
            JsonNode welcome = alice.hello(tokenField(token("alice", 60_000, List.of("*"), List.of()))
                    + ",\"clientId\":\"" + clientId + "\",\"resumeToken\":\"" + resumeToken + "\"");
            assertTrue(welcome.path("resumed").asBoolean(), "the owner still can: " + welcome);
        }
    }

    @Test
    void anExpiredTokenGetsTokenExpiredThenClose4401UnlessRefreshed() throws Exception {
        try (RawClient lapsing = RawClient.connect(server); RawClient refreshing = RawClient.connect(server)) {
            // Tokens are honoured 30 s past exp (clock skew), so these expire 29 s ago plus 1.5 s from now.
            lapsing.hello(tokenField(token("lapsing", -28_500, List.of("*"), List.of())));
            refreshing.hello(tokenField(token("refreshing", -28_500, List.of("*"), List.of())));
            refreshing.send("{\"type\":\"refresh\",\"id\":2" + tokenField(token("refreshing", 60_000, List.of("*"), List.of())) + "}");

            JsonNode expired = lapsing.nextOfType("error");
            assertEquals("token_expired", expired.path("code").asText(), expired.toString());
            assertEquals(4401, lapsing.awaitClose(10));
            assertTrue(metric("pushwire_tokens_expired_total") >= 1, "the expiry is counted");
            Thread.sleep(3_000);
            assertFalse(refreshing.isClosed(), "the refreshed connection stays");
            refreshing.send("{\"type\":\"ping\",\"ts\":1}");
            assertEquals("pong", refreshing.nextOfType("pong").path("type").asText());
        }
    }

    @Test
    void withAuthenticationOnTheServerRefusesToStartWithoutAnAdminToken() {
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ServerProcess.start("auth-no-admin", Map.of(
                        "pushwire.auth.mode", "jwt", "pushwire.auth.jwt.secret", SECRET)));
        assertTrue(refused.getMessage().contains("pushwire.auth.mode=jwt needs pushwire.admin.token"), refused.getMessage());
    }
}
