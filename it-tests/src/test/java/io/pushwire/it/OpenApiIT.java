package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi} of the packaged server, with an admin token set: served to anyone, as YAML or JSON; every
 * JAX-RS resource method of the server's jar (found by reflection) is an operation, and nothing else is;
 * every operation documents its errors with the error schema; every reference resolves; the publish
 * example taken from the document is published; and the server's real answers match the schemas the
 * document gives for their status.
 */
class OpenApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "openapi-admin-token";
    private static final String PUBLISH = "POST /api/channels/{channel}/events";
    /** Operations that have no error answer at all: the scrape answers 200 or nothing. */
    private static final Set<String> NO_ERROR_ANSWER = Set.of("GET /metrics");
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private static ServerProcess server;
    private static HttpClient http;
    private static JsonNode document;
    private static OpenApiSchemas schemas;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("openapi", Map.of("pushwire.admin.token", TOKEN));
        http = server.httpClient().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> json = send(request("/openapi?format=json", null));
        assertEquals(200, json.statusCode(), json.body());
        document = JSON.readTree(json.body());
        schemas = new OpenApiSchemas(document);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        server.close();
    }

    @Test
    void servedWithoutTheAdminTokenAsYamlByDefaultAndAsJsonOnRequest() throws Exception {
        HttpResponse<String> yaml = send(request("/openapi", null));
        assertEquals(200, yaml.statusCode(), yaml.body());
        assertEquals("application/vnd.oai.openapi", mediaType(yaml));
        assertTrue(yaml.body().lines().anyMatch(line -> line.startsWith("openapi: 3.")), yaml.body());
        assertTrue(yaml.body().contains("/api/channels/{channel}/events:"), yaml.body());

        HttpResponse<String> accepted = send(request("/openapi", null).header("Accept", "application/json"));
        assertEquals(200, accepted.statusCode());
        assertEquals("application/json", mediaType(accepted));
        assertEquals(document, JSON.readTree(accepted.body()), "?format=json and Accept give the same document");

        assertTrue(document.path("openapi").asText().startsWith("3."), document.path("openapi").toString());
        JsonNode info = document.path("info");
        assertEquals("Pushwire HTTP API", info.path("title").asText(), info.toString());
        assertFalse(info.path("version").asText().isBlank(), info.toString());
        assertFalse(info.path("description").asText().isBlank(), info.toString());
    }

    @Test
    void everyJaxRsResourceMethodIsAnOperationAndNothingElseIs() throws Exception {
        Set<String> reflected = resourceMethods();
        assertTrue(reflected.contains(PUBLISH), "the scan of the server jar found the publish method: " + reflected);
        assertEquals(reflected, new TreeSet<>(operations().keySet()));
    }

    @Test
    void everyOperationDocumentsItsAnswersAndErrorsWithTheErrorSchema() {
        Map<String, JsonNode> operations = operations();
        for (Map.Entry<String, JsonNode> entry : operations.entrySet()) {
            String name = entry.getKey();
            JsonNode operation = entry.getValue();
            assertFalse(operation.path("summary").asText().isBlank(), name + " has a summary");
            assertFalse(operation.path("tags").isEmpty(), name + " has a tag");
            Map<String, JsonNode> responses = responses(operation);
            JsonNode ok = responses.get("200");
            assertTrue(ok != null && ok.path("content").size() == 1, name + " documents one 200 body: " + responses);
            ok.path("content").forEach(media -> assertTrue(media.has("schema"), name + " 200 has a schema"));

            List<String> errors = responses.keySet().stream().filter(code -> code.charAt(0) == '4').toList();
            if (NO_ERROR_ANSWER.contains(name)) {
                assertEquals(Set.of("200"), responses.keySet(), name);
                continue;
            }
            assertFalse(errors.isEmpty(), name + " documents at least one 4xx: " + responses.keySet());
            for (Map.Entry<String, JsonNode> response : responses.entrySet()) {
                JsonNode content = response.getValue().path("content");
                if (response.getKey().charAt(0) == '2' || content.isMissingNode()) {
                    continue;
                }
                assertEquals("#/components/schemas/Error", content.path("application/json").path("schema")
                        .path("$ref").asText(), name + " " + response.getKey() + " answers the error schema");
            }
            if (securedBy(operation).contains("adminToken")) {
                assertTrue(responses.containsKey("401"), name + " takes the admin token, so it documents 401");
            }
        }
    }

    @Test
    void everyReferenceResolvesUnderComponents() {
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertTrue(refs.size() > 10, "the document refers to its components: " + refs);
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/components/"), ref);
            schemas.resolve(ref);
        }
        for (Map.Entry<String, JsonNode> entry : operations().entrySet()) {
            JsonNode body = entry.getValue().path("requestBody");
            if (!body.isMissingNode()) {
                assertTrue(body.path("required").asBoolean(), entry.getKey() + " needs its body");
                body.path("content").forEach(media -> assertTrue(media.has("schema"), entry.getKey()));
            }
            for (String scheme : securedBy(entry.getValue())) {
                assertTrue(document.path("components").path("securitySchemes").has(scheme), entry.getKey() + ": " + scheme);
            }
        }
        JsonNode admin = document.path("components").path("securitySchemes").path("adminToken");
        assertEquals("http", admin.path("type").asText(), admin.toString());
        assertEquals("bearer", admin.path("scheme").asText(), admin.toString());
        document.path("components").path("schemas").forEach(schema -> schema.path("required").forEach(
                required -> assertTrue(schema.path("properties").has(required.asText()), schema.toString())));
    }

    @Test
    void thePublishExampleOfTheDocumentIsPublishedAsDocumented() throws Exception {
        JsonNode operation = operations().get(PUBLISH);
        String channel = null;
        for (JsonNode parameter : operation.path("parameters")) {
            if ("channel".equals(parameter.path("name").asText())) {
                channel = parameter.path("example").asText();
            }
        }
        assertTrue(channel != null && !channel.isEmpty(), "the channel parameter has an example: " + operation);
        Map.Entry<String, JsonNode> content = operation.path("requestBody").path("content").fields().next();
        JsonNode example = content.getValue().path("examples").elements().next().path("value");
        assertFalse(example.isMissingNode(), "the body has an example: " + content);
        assertTrue(securedBy(operation).contains("adminToken"), operation.path("security").toString());

        try (RawClient subscriber = RawClient.connect(server)) {
            subscriber.hello();
            subscriber.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":" + JSON.writeValueAsString(channel) + "}");
            long head = subscriber.nextOfType("subscribed").path("seq").asLong();

            HttpResponse<String> published = send(request("/api/channels/" + channel + "/events", TOKEN)
                    .header("Content-Type", content.getKey())
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(example))));

            assertEquals(200, published.statusCode(), published.body());
            JsonNode reply = JSON.readTree(published.body());
            assertEquals(List.of(), schemas.mismatches(responseSchema(operation, 200), reply), reply.toString());
            assertEquals(channel, reply.path("channel").asText());
            assertEquals(head + 1, reply.path("seq").asLong(), reply.toString());
            assertEquals(1, reply.path("subscribers").asInt(), reply.toString());
            JsonNode event = subscriber.nextOfType("event");
            assertEquals(head + 1, event.path("seq").asLong());
            assertEquals(example, event.path("data"), "subscribers get the example as the event's data");
        }
    }

    @Test
    void answersMatchTheSchemasDocumentedForTheirStatus() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            String clientId = client.hello().path("clientId").asText();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            client.nextOfType("subscribed");

            check("GET /api/stats", "/api/stats", TOKEN, null, 200);
            check("GET /api/stats", "/api/stats", null, null, 401);
            check("GET /api/sessions", "/api/sessions?offset=0&limit=10", TOKEN, null, 200);
            check("GET /api/sessions", "/api/sessions?limit=0", TOKEN, null, 400);
            check("GET /api/sessions", "/api/sessions?limit=ten", TOKEN, null, 404);
            check("GET /api/sessions/{clientId}", "/api/sessions/" + clientId, TOKEN, null, 200);
            check("GET /api/sessions/{clientId}", "/api/sessions/NOSUCHSESSION", TOKEN, null, 404);
            check("POST /api/sessions/{clientId}/events", "/api/sessions/" + clientId + "/events", TOKEN,
                    "{\"notice\":\"hello\"}", 200);
            check("POST /api/sessions/{clientId}/events", "/api/sessions/NOSUCHSESSION/events", TOKEN, "1", 404);
            check(PUBLISH, "/api/channels/sim.trades.BTC-USDT/events", TOKEN, "1", 403);
            check(PUBLISH, "/api/channels/app.docs/events", TOKEN, "not json", 400);
            check(PUBLISH, "/api/channels/app.docs/events", "wrong-token", "1", 401);
            HttpResponse<String> metrics = check("GET /metrics", "/metrics", null, null, 200);
            assertTrue(metrics.body().contains("pushwire_connections"), metrics.body());
        }
    }

    /**
     * Sends a request to an operation and checks that its status is one the operation documents, that the
     * body matches the schema documented for that status, and that the documented headers are there.
     */
    private static HttpResponse<String> check(String operationName, String path, String token, String body,
                                              int expectedStatus) throws Exception {
        JsonNode operation = operations().get(operationName);
        assertTrue(operation != null, operationName + " is documented");
        HttpRequest.Builder request = request(path, token);
        if (body != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = send(request);
        String what = operationName + " as " + path + " answered " + response.statusCode() + " " + response.body();
        assertEquals(expectedStatus, response.statusCode(), what);
        JsonNode documented = responses(operation).get(Integer.toString(response.statusCode()));
        assertTrue(documented != null, what + ": that status is not documented");
        for (Iterator<String> headers = documented.path("headers").fieldNames(); headers.hasNext(); ) {
            String header = headers.next();
            assertTrue(response.headers().firstValue(header).isPresent(), what + ": no " + header + " header");
        }
        JsonNode content = documented.path("content");
        if (content.isMissingNode()) {
            assertEquals("", response.body(), what + ": documented without a body");
            return response;
        }
        assertTrue(content.has(mediaType(response)) || content.fieldNames().next().startsWith(mediaType(response)),
                what + ": answered as " + mediaType(response) + ", documented as " + content.fieldNames().next());
        if (content.has("application/json")) {
            JsonNode answer = JSON.readTree(response.body());
            assertEquals(List.of(), schemas.mismatches(content.path("application/json").path("schema"), answer), what);
        }
        return response;
    }

    private static JsonNode responseSchema(JsonNode operation, int status) {
        return responses(operation).get(Integer.toString(status)).path("content").path("application/json").path("schema");
    }

    /** Every operation of the document, as {@code "METHOD /path"}. */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (HTTP_METHODS.contains(method.getKey())) {
                operations.put(method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), method.getValue());
            }
        }));
        return operations;
    }

    /** An operation's responses by status, each with its {@code $ref} (to components/responses) followed. */
    private static Map<String, JsonNode> responses(JsonNode operation) {
        Map<String, JsonNode> responses = new LinkedHashMap<>();
        operation.path("responses").fields().forEachRemaining(
                response -> responses.put(response.getKey(), schemas.dereference(response.getValue())));
        return responses;
    }

    /** The security schemes any of an operation's alternatives names. */
    private static Set<String> securedBy(JsonNode operation) {
        Set<String> schemes = new TreeSet<>();
        operation.path("security").forEach(alternative -> alternative.fieldNames().forEachRemaining(schemes::add));
        return schemes;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject() && node.has("$ref")) {
            refs.add(node.path("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, refs));
    }

    /**
     * Every JAX-RS resource method in the server's jar, as {@code "METHOD /path"}: the classes whose bytes name
     * {@code @Path} are loaded (from this class path, where the server's jar is a dependency) and read by
     * reflection. A sub-resource locator (a {@code @Path} method with no HTTP method) fails the test: this
     * check would not see the operations behind it.
     */
    private static Set<String> resourceMethods() throws IOException, ClassNotFoundException {
        Set<String> methods = new TreeSet<>();
        java.nio.file.Path jar = java.nio.file.Path.of(System.getProperty("pushwire.server.jar"));
        String pathAnnotation = "L" + Path.class.getName().replace('.', '/') + ";";
        try (JarFile classes = new JarFile(jar.toFile())) {
            assertTrue(classes.getEntry("META-INF/jandex.idx") != null, "the index Helidon's OpenAPI reads is in " + jar);
            for (JarEntry entry : classes.stream().toList()) {
                if (!entry.getName().endsWith(".class") || !mentions(classes, entry, pathAnnotation)) {
                    continue;
                }
                String name = entry.getName().substring(0, entry.getName().length() - ".class".length()).replace('/', '.');
                Class<?> type = Class.forName(name, false, OpenApiIT.class.getClassLoader());
                Path root = type.getAnnotation(Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String httpMethod = httpMethod(method);
                    Path sub = method.getAnnotation(Path.class);
                    if (httpMethod == null) {
                        assertTrue(sub == null, "a sub-resource locator, which this test cannot follow: " + method);
                        continue;
                    }
                    methods.add(httpMethod + " " + join(root.value(), sub == null ? "" : sub.value()));
                }
            }
        }
        return methods;
    }

    /** Whether a class file's bytes hold {@code needle} (a descriptor in its constant pool, say). */
    private static boolean mentions(JarFile jar, JarEntry entry, String needle) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(needle);
        }
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    /** A class's and a method's {@code @Path} as one path, as OpenAPI writes it: {@code /api} + {@code stats}. */
    private static String join(String root, String sub) {
        String joined = "/" + strip(root) + (strip(sub).isEmpty() ? "" : "/" + strip(sub));
        // A template's regular expression ({id: [0-9]+}) is not part of the OpenAPI path.
        return joined.replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}");
    }

    private static String strip(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    private static HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri(path)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String mediaType(HttpResponse<?> response) {
        String value = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    }
}
