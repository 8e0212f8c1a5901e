package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser client as the npm package {@code @pushwire/client} ({@code client-js/}): its type test, and
 * the packed tarball installed into a fresh project, type-checked there and run in Node.js against a real
 * server. Needs {@code node} and {@code npm} (skipped without them; {@code .ci/run} installs them) and the
 * npm registry for {@code npm ci} (typescript and ws, pinned by {@code client-js/package-lock.json}).
 */
class JsPackageIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path PACKAGE = Path.of(System.getProperty("pushwire.client.js", "../client-js")).toAbsolutePath();
    private static final Path WORK = Path.of("target", "js-package").toAbsolutePath();
    private static ServerProcess server;

    @BeforeAll
    static void installThePackagesDevDependencies() throws Exception {
        NodeTools.assumeInstalled();
        // typescript and ws at the lockfile's versions, into client-js/node_modules (ignored by git).
        NodeTools.run(PACKAGE, "npm", "ci");
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        server = ServerProcess.start("js-package", TestTokens.SERVER_SETTINGS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * {@code npm test}: {@code tsc --noEmit} on {@code test/types.ts}, which uses every declaration (and
     * must not compile its marked misuses), then the declarations held to the module's exports, members,
     * states and stats.
     */
    @Test
    void theTypeTestPasses() throws Exception {
        String output = NodeTools.run(PACKAGE, "npm", "test");
        assertTrue(output.contains("pushwire.d.ts matches pushwire.js"), output);
    }

    @Test
    void thePackedTarballInstallsTypeChecksAndWorksAgainstTheServer() throws Exception {
        String packed = NodeTools.run(PACKAGE, "npm", "pack", "--json", "--pack-destination", WORK.toString());
        JsonNode pack = JSON.readTree(packed.substring(packed.indexOf('['))).get(0);
        Path tarball = WORK.resolve(pack.path("filename").asText());
        assertTrue(Files.isRegularFile(tarball), packed);
        List<String> files = pack.path("files").findValuesAsText("path").stream().sorted().toList();
        assertEquals(List.of("README.md", "package.json", "pushwire.d.ts", "pushwire.js"), files, "what the tarball holds");

        // A fresh project that installs the tarball (no dependencies: nothing fetched) and ws, as a Node.js
        // 18 or 20 application would; the versions of ws and typescript are the package's pinned ones.
        Path consumer = Files.createDirectories(WORK.resolve("consumer"));
        Files.writeString(consumer.resolve("package.json"),
                "{\"name\":\"pushwire-consumer\",\"private\":true,\"type\":\"module\"}\n");
        String ws = "ws@" + devDependency("ws");
        NodeTools.run(consumer, "npm", "install", "--prefer-offline", tarball.toString(), ws);
        Path installed = consumer.resolve("node_modules/@pushwire/client");

        // One source: the tarball's module is the file the server serves as /pushwire.js.
        assertEquals(Files.readString(PACKAGE.resolve("pushwire.js")), Files.readString(installed.resolve("pushwire.js")));
        assertEquals(Files.readString(installed.resolve("pushwire.js")), server.get("/pushwire.js").body(),
                "the server serves the package's pushwire.js");

        // The type test again, now resolving '@pushwire/client' through the installed package's exports.
        Files.copy(PACKAGE.resolve("test/types.ts"), consumer.resolve("types.ts"));
        Files.copy(PACKAGE.resolve("test/tsconfig.json"), consumer.resolve("tsconfig.json"));
        NodeTools.run(consumer, "node", PACKAGE.resolve("node_modules/typescript/bin/tsc").toString(), "--noEmit", "-p", ".");

        Files.copy(PACKAGE.resolve("test/node-smoke.mjs"), consumer.resolve("node-smoke.mjs"));
        String token = TestTokens.token("node-smoke", 60_000, List.of("*"), List.of("chat.*"));
        String output = NodeTools.run(consumer, Map.of("PUSHWIRE_URL", server.webSocketUri().toString(),
                "PUSHWIRE_TOKEN", token), Duration.ofSeconds(40), "node", "node-smoke.mjs");
        System.out.println("node-smoke: " + output.strip());
        JsonNode seen = JSON.readTree(output.substring(output.lastIndexOf("\n{") + 1));
        assertEquals(installed.resolve("pushwire.js").toRealPath().toString(), seen.path("resolved").asText(),
                "the smoke test ran the installed tarball's module, not the source");
        assertEquals(List.of("buffered before connecting", "published while connected"),
                JSON.convertValue(seen.path("chat"), List.class), output);
        assertTrue(seen.path("trades").asInt() > 0, output);
        assertEquals(0, seen.path("publishBuffered").asInt(), output);
    }

    private static String devDependency(String name) throws IOException {
        return JSON.readTree(PACKAGE.resolve("package.json").toFile()).path("devDependencies").path(name).asText();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
