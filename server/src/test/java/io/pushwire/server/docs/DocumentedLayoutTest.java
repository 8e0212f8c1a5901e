package io.pushwire.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the layout the documents describe to the code: every server package is in the README's
 * Modules table and in ARCHITECTURE.md's ownership table, the top-level package holds no classes, and
 * every class ARCHITECTURE.md names exists.
 */
class DocumentedLayoutTest {
    private static final Path SERVER_ROOT = Path.of("src/main/java/io/pushwire/server");
    /** Sources of every module (the contract suites are test classes), from the server module's directory. */
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/test/java"),
            Path.of("../protocol/src/main/java"), Path.of("../client-sdk/src/main/java"));

    @Test
    void theServersTopLevelPackageHoldsNoClasses() {
        try (Stream<Path> files = Files.list(SERVER_ROOT)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).map(Path::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyServerPackageIsInTheReadmeModulesTable() {
        String serverRow = Markdown.table("README.md", "## Modules").stream()
                .filter(row -> row.get(0).equals("`server/`")).findFirst().orElseThrow().get(1);
        Set<String> named = new TreeSet<>(Markdown.code(serverRow));

        for (String pkg : serverPackages()) {
            assertTrue(named.contains("io.pushwire.server." + pkg) || named.contains(pkg),
                    "the README's Modules row for server/ does not name io.pushwire.server." + pkg);
        }
    }

    @Test
    void everyServerPackageIsInTheArchitectureTable() {
        Set<String> named = Markdown.table("docs/ARCHITECTURE.md", "## Who owns what").stream()
                .flatMap(row -> Markdown.code(row.get(0)).stream()).collect(Collectors.toSet());

        for (String pkg : serverPackages()) {
            assertTrue(named.contains("server." + pkg) || (pkg.contains(".") && named.contains(pkg)),
                    "ARCHITECTURE.md's table has no row for server." + pkg);
        }
    }

    @Test
    void everyClassTheArchitectureNamesExists() {
        Set<String> classes = allClassNames();
        List<String> missing = Markdown.section("docs/ARCHITECTURE.md", "# Architecture").stream()
                .flatMap(line -> Markdown.code(line).stream())
                .flatMap(span -> Stream.of(span.split("[/.]")))
                .filter(name -> name.matches("[A-Z][A-Za-z0-9]+") && !name.chars().allMatch(Character::isUpperCase))
                .filter(name -> !classes.contains(name))
                .distinct().toList();

        assertTrue(missing.isEmpty(), "ARCHITECTURE.md names classes that do not exist: " + missing);
        assertFalse(classes.isEmpty());
    }

    /** Server packages below the top level, as {@code core}, {@code feed.upstream}. */
    private static List<String> serverPackages() {
        try (Stream<Path> tree = Files.walk(SERVER_ROOT)) {
            return tree.filter(Files::isDirectory).filter(dir -> !dir.equals(SERVER_ROOT))
                    .map(dir -> SERVER_ROOT.relativize(dir).toString().replace('/', '.')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> allClassNames() {
        Set<String> names = new TreeSet<>();
        for (Path root : SOURCES) {
            try (Stream<Path> tree = Files.walk(root)) {
                tree.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".java"))
                        .forEach(name -> names.add(name.substring(0, name.length() - ".java".length())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }
}
