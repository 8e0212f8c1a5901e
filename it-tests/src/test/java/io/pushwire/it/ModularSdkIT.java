package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK as a modular application uses it: an application module that {@code requires io.pushwire.client}
 * is compiled with {@code javac --module-path} and run with {@code java --module-path} against the jars
 * the build made (client-sdk, protocol, Jackson), on the JDK that runs Maven ({@code pushwire.it.sdk.jdk},
 * 17 where that is the default java), and receives an event from the packaged server. A module that
 * reaches into {@code io.pushwire.client.internal} does not compile.
 */
@ExtendWith(SharedServer.class)
class ModularSdkIT {
    private static final String APP_MODULE = """
            module demo.app {
                requires io.pushwire.client;
            }
            """;

    /** Connects, takes one event of the channel in args[1], prints what it saw and where the SDK came from. */
    private static final String APP_MAIN = """
            package demo.app;

            import io.pushwire.client.PushClient;
            import io.pushwire.protocol.Event;
            import java.net.URI;
            import java.util.concurrent.BlockingQueue;
            import java.util.concurrent.LinkedBlockingQueue;
            import java.util.concurrent.TimeUnit;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
                    try (PushClient client = PushClient.builder(URI.create(args[0])).build()) {
                        client.subscribe(args[1], events::add);
                        client.connect().get(10, TimeUnit.SECONDS);
                        Event event = events.poll(10, TimeUnit.SECONDS);
                        if (event == null) {
                            System.out.println("no event within 10 s");
                            System.exit(2);
                        }
                        System.out.println("event " + event.channel() + " " + event.data().path("symbol").asText());
                        System.out.println("sdk module " + PushClient.class.getModule().getName()
                                + ", protocol module " + Event.class.getModule().getName()
                                + ", jackson module " + event.data().getClass().getModule().getName());
                        System.out.println("java " + Runtime.version().feature());
                    }
                }
            }
            """;

    /** A module that compiles against the SDK's implementation, which module-info does not export. */
    private static final String SNEAKY_MODULE = """
            module demo.sneaky {
                requires io.pushwire.client;
            }
            """;
    private static final String SNEAKY_MAIN = """
            package demo.sneaky;

            import io.pushwire.client.internal.ClientCore;

            public final class Main {
                public static void main(String[] args) {
                    System.out.println(ClientCore.class);
                }
            }
            """;

    @TempDir
    Path dir;

    private final String modulePath = System.getProperty("pushwire.it.sdk.module-path");
    private final Path jdk = Path.of(System.getProperty("pushwire.it.sdk.jdk"));

    @Test
    void aModularApplicationRequiringTheSdkReceivesAnEvent(ServerProcess server) throws Exception {
        Path classes = compile("demo.app", APP_MODULE, APP_MAIN).requireSuccess();
        CommandRun run = run(List.of(tool("java"), "--module-path", modulePath + File.pathSeparator + classes,
                "--module", "demo.app/demo.app.Main", server.webSocketUri().toString(), "sim.trades.BTC-USDT"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("event sim.trades.BTC-USDT BTC-USDT\n"), run.output());
        assertTrue(run.output().contains("sdk module io.pushwire.client, protocol module io.pushwire.protocol, "
                + "jackson module com.fasterxml.jackson.databind\n"), run.output());
        assertTrue(run.output().contains("java " + jdkFeature() + "\n"), run.output());
    }

    @Test
    void theSdksInternalPackageIsNotExported() throws Exception {
        CommandRun compile = compile("demo.sneaky", SNEAKY_MODULE, SNEAKY_MAIN).run;
        assertNotEquals(0, compile.exitCode(), compile.output());
        assertTrue(compile.output().contains("package io.pushwire.client.internal is declared in module "
                + "io.pushwire.client, which does not export it"), compile.output());
    }

    /** Both jars hold Java 17 class files (major version 61), module-info included. */
    @Test
    void theSdkAndProtocolJarsAreJava17Modules() throws Exception {
        String[] entries = modulePath.split(File.pathSeparator);
        assertEquals(61, classFileMajorVersion(entries[0], "io/pushwire/client/PushClient.class"));
        assertEquals(61, classFileMajorVersion(entries[0], "module-info.class"));
        assertEquals(61, classFileMajorVersion(entries[1], "io/pushwire/protocol/FrameCodec.class"));
        assertEquals(61, classFileMajorVersion(entries[1], "module-info.class"));
    }

    private Compilation compile(String module, String moduleInfo, String main) throws IOException, InterruptedException {
        Path sources = dir.resolve(module + "-src");
        Path mainFile = sources.resolve(module.replace('.', '/')).resolve("Main.java");
        Files.createDirectories(mainFile.getParent());
        Files.writeString(sources.resolve("module-info.java"), moduleInfo);
        Files.writeString(mainFile, main);
        Path classes = dir.resolve(module + "-classes");
        CommandRun run = run(List.of(tool("javac"), "--release", "17", "--module-path", modulePath, "-d", classes.toString(),
                sources.resolve("module-info.java").toString(), mainFile.toString()));
        return new Compilation(classes, run);
    }

    private record Compilation(Path classes, CommandRun run) {
        Path requireSuccess() {
            assertEquals(0, run.exitCode(), run.output());
            return classes;
        }
    }

    /** Runs {@code command} in the test's directory; its output starts with the command, for failure messages. */
    private CommandRun run(List<String> command) throws IOException, InterruptedException {
        // The app gives up after 20 s at most, which ends its output.
        CommandRun run = CommandRun.of(new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()), "",
                Duration.ofSeconds(30));
        return new CommandRun(run.exitCode(), command + "\n" + run.output());
    }

    private String tool(String name) {
        return jdk.resolve("bin").resolve(name).toString();
    }

    /** The feature version of {@link #jdk}, from its release file. */
    private int jdkFeature() throws IOException {
        for (String line : Files.readAllLines(jdk.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                return Integer.parseInt(version.split("[.+-]")[0]);
            }
        }
        throw new IllegalStateException("no JAVA_VERSION in " + jdk.resolve("release"));
    }

    /** The class file's major version; {@code location} is a jar, or a classes directory in a reactor build. */
    private static int classFileMajorVersion(String location, String entry) throws IOException {
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            try (InputStream in = Files.newInputStream(path.resolve(entry))) {
                return majorVersion(in, entry);
            }
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            ZipEntry found = jar.getEntry(entry);
            assertTrue(found != null, location + " has no " + entry);
            try (InputStream in = jar.getInputStream(found)) {
                return majorVersion(in, entry);
            }
        }
    }

    private static int majorVersion(InputStream classFile, String entry) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        assertEquals(0xCAFEBABE, in.readInt(), entry);
        in.readUnsignedShort(); // minor
        return in.readUnsignedShort();
    }
}
